import { createTrackToken } from "@/server/auth/track-token";
import { isTerminal } from "@/server/domain/statuses";
import type { OperationWithSteps } from "@/server/presenters/operation-presenter";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { statusText } from "@/server/workflows/kit/status-text";
import type { OperationResource } from "./schemas";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function errorMessage(value: unknown): string | null {
  if (value && typeof value === "object" && "message" in value)
    return String((value as { message: unknown }).message);
  return null;
}

/** The operation resource of the public API (and the app): what a caller may know. */
export function toOperationResource(op: OperationWithSteps, registry: WorkflowRegistry): OperationResource {
  const workflow = registry.get(op.type, op.version);
  const titles = new Map(workflow?.steps.map((s) => [s.name, s.title]));
  const resource: OperationResource = {
    id: op.id,
    type: op.type,
    version: op.version,
    status: op.status,
    done: isTerminal(op.status),
    statusText: statusText(workflow, op),
    subject: op.subject,
    reference: op.reference,
    steps: op.steps.map((s) => ({
      name: s.name,
      title: titles.get(s.name) ?? s.name,
      status: s.status,
      attempts: s.attempts,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
      error: errorMessage(s.lastError),
    })),
    traceId: op.traceId,
    createdAt: op.createdAt.toISOString(),
    updatedAt: op.updatedAt.toISOString(),
    completedAt: iso(op.completedAt),
    links: { self: `/api/v1/operations/${op.id}`, track: `/track/${createTrackToken(op.id)}` },
  };
  if (op.status === "blocked" && op.blockedKind) {
    resource.blocked = {
      kind: op.blockedKind,
      reason: op.blockedReason ?? "",
      actionRequired: op.actionRequired ?? "",
    };
  }
  if (op.status === "failed" && op.error) resource.error = op.error as OperationResource["error"];
  if (op.status === "completed") resource.result = op.result;
  return resource;
}
