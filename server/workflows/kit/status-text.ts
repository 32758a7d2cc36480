import type { OperationStatus } from "@/server/domain/statuses";
import { assertNever } from "@/server/domain/statuses";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";

/**
 * The product-language line for an operation, as the end user reads it. Only words
 * the workflow defines: never an error message, step id or stack trace.
 */
export function statusText(
  workflow: WorkflowDefinition | undefined,
  op: { status: OperationStatus; currentStep: string | null; blockedStep?: string | null },
): string {
  if (!workflow) return op.status;
  switch (op.status) {
    case "accepted":
      return workflow.text.accepted;
    case "processing": {
      const step = workflow.steps.find((s) => s.name === op.currentStep);
      return step ? `${step.userText}…` : "Working on it…";
    }
    case "blocked": {
      const step = workflow.steps.find((s) => s.name === (op.blockedStep ?? op.currentStep));
      return `Action needed: ${step?.userActionText ?? "our team is looking into it."}`;
    }
    case "completed":
      return workflow.text.completed;
    case "failed":
      return workflow.text.failed;
    default:
      return assertNever(op.status);
  }
}
