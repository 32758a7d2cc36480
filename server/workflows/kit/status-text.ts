import type { BlockKind, OperationStatus } from "@/server/domain/statuses";
import { assertNever } from "@/server/domain/statuses";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";

/**
 * Retries that ran out are never a step's own story (an out-of-stock text would be untrue when
 * the warehouse is merely down): the end user reads this, whichever step it was.
 */
export const RETRIES_EXHAUSTED_WAIT_TEXT =
  "Something on our side is taking longer than it should. Our team has been alerted and is on it; you don't need to do anything, and we'll update you here.";
/** A block the step has no words for. */
export const DEFAULT_WAIT_TEXT =
  "Our team is looking into your request; you don't need to do anything, and we'll update you here.";
/** A block on an outside system's answer the step has no words for: not "our team". */
export const DEFAULT_EXTERNAL_WAIT_TEXT =
  "We're waiting for one of our partners to confirm; you don't need to do anything, and we'll update you here.";

export interface BlockedOperation {
  currentStep: string | null;
  blockedStep?: string | null;
  blockedKind?: BlockKind | null;
}

/**
 * Whose move it is while an operation is blocked, as the end user reads it: theirs (and what to
 * do) only when the step's block really waits on them (`userActionText`); otherwise ours or an
 * outside system's, in the step's `userWaitText`. Retries running out is always ours.
 */
export function endUserWait(
  workflow: WorkflowDefinition,
  op: BlockedOperation,
): { on: "you"; action: string } | { on: "us"; text: string } {
  const step = workflow.steps.find((s) => s.name === (op.blockedStep ?? op.currentStep));
  if (op.blockedKind === "retries_exhausted") return { on: "us", text: RETRIES_EXHAUSTED_WAIT_TEXT };
  // A step with an end-user form is theirs only while it waits for that form's answer.
  const theirs = step?.endUserAction ? op.blockedKind === "awaiting_end_user" : true;
  if (step?.userActionText && theirs) return { on: "you", action: step.userActionText };
  const fallback = op.blockedKind === "awaiting_external" ? DEFAULT_EXTERNAL_WAIT_TEXT : DEFAULT_WAIT_TEXT;
  return { on: "us", text: step?.userWaitText ?? fallback };
}

/**
 * The product-language line for an operation, as the end user reads it. Only words
 * the workflow defines: never an error message, step id or stack trace.
 */
export function statusText(
  workflow: WorkflowDefinition | undefined,
  /** `waiting`: the current step has an open durable wait (its effect ran; another system answers). */
  op: { status: OperationStatus; waiting?: boolean } & BlockedOperation,
): string {
  if (!workflow) return op.status;
  switch (op.status) {
    case "accepted":
      return workflow.text.accepted;
    case "processing": {
      const step = workflow.steps.find((s) => s.name === op.currentStep);
      if (step?.wait && op.waiting) return step.wait.userText;
      // A scheduled step (its timer open; a step that also waits shows the wait's words).
      if (step?.timer && op.waiting) return step.timer.userText;
      return step ? `${step.userText}…` : "Working on it…";
    }
    case "blocked": {
      const wait = endUserWait(workflow, op);
      return wait.on === "you" ? `Action needed: ${wait.action}` : wait.text;
    }
    case "completed":
      return workflow.text.completed;
    case "failed":
      return workflow.text.failed;
    default:
      return assertNever(op.status);
  }
}
