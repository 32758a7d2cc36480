import { callerKey } from "@/server/auth/caller-limits";
import { maySeeType, visibleTypes } from "@/server/domain/principal";
import { isTerminal } from "@/server/domain/statuses";
import { zodIssues } from "@/server/operations/issues";
import { toOperationResource } from "@/server/operations/resource";
import {
  ZIdempotencyKeySchema,
  ZListOperationsQuerySchema,
  ZStartOperationRequestSchema,
} from "@/server/operations/schemas";
import type { OperationWithSteps } from "@/server/presenters/operation-presenter";
import type { Services } from "@/server/services";
import { describeWorkflow } from "@/server/workflows/kit/registry";
import { requireScope } from "./authenticate";
import { json, problem } from "./problem";
import { hostileParameters, readJsonBody } from "./read-body";

/** Seconds a client should wait before polling a running operation again. */
const POLL_AFTER_SECONDS = "1";

/**
 * The public HTTP API as plain Request → Response functions. Route files only
 * forward to these; the rules live in the domain services they call.
 */
export function operationsApi(services: Services) {
  const { db, presenters, registry } = services;

  function operationResponse(op: OperationWithSteps, status: number, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = { location: `/api/v1/operations/${op.id}`, ...extra };
    if (!isTerminal(op.status)) headers["retry-after"] = POLL_AFTER_SECONDS;
    return json(toOperationResource(op, registry), status, headers);
  }

  return {
    async listWorkflows(request: Request): Promise<Response> {
      const auth = await requireScope(db, request, "operations:read");
      if (!auth.ok) return auth.response;
      const visible = registry.list().filter((w) => maySeeType(auth.principal, w.type));
      return json({ workflows: visible.map(describeWorkflow) });
    },

    async startOperation(request: Request): Promise<Response> {
      const auth = await requireScope(db, request, "operations:write");
      if (!auth.ok) return auth.response;
      // Per key, before the body is read: a flood costs a token check, not a parse and a commit.
      const budget = services.limits.intake.take(callerKey(auth.principal));
      if (!budget.ok) {
        return problem("rate-limited", {
          detail: `This key starts operations faster than its limit allows; retry after ${budget.retryAfterS} s.`,
          headers: { "retry-after": String(budget.retryAfterS) },
        });
      }

      const key = request.headers.get("idempotency-key");
      if (key !== null && !ZIdempotencyKeySchema.safeParse(key).success) {
        return problem("invalid-request", {
          detail: "The Idempotency-Key header must be 1–255 printable ASCII characters.",
        });
      }
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      const parsed = ZStartOperationRequestSchema.safeParse(body.value);
      if (!parsed.success) {
        return problem("invalid-request", {
          detail: "The request body does not match the operation request schema.",
          errors: zodIssues(parsed.error),
        });
      }

      const result = await services.startOperation.call({
        request: parsed.data,
        principal: auth.principal,
        idempotencyKey: key,
        // Parsed (and a malformed one ignored) by intake's span: server/telemetry/tracing.ts.
        traceparent: request.headers.get("traceparent"),
      });
      switch (result.type) {
        case "forbidden_type":
          return problem("forbidden", {
            detail: `This key may not start operations of type "${result.workflowType}".`,
          });
        case "unknown_workflow":
          return problem("unknown-workflow", {
            detail: `There is no workflow of type "${result.workflowType}". GET /api/v1/workflows lists them.`,
            errors: [{ pointer: "/type", detail: "unknown workflow type" }],
          });
        case "invalid_input":
          return problem("invalid-input", {
            detail: "The input does not match the workflow's input schema.",
            errors: result.issues,
          });
        case "idempotency_conflict":
          return problem("idempotency-conflict", {
            detail: `This Idempotency-Key was already used for operation ${result.operationId} with a different request.`,
          });
        case "workflow_paused":
          return problem("unavailable", {
            detail: `Operations of type "${result.workflowType}" are paused by an operator; try again later.`,
            headers: { "retry-after": String(result.retryAfterSeconds) },
          });
        case "replayed":
          return operationResponse(result.operation, doneStatus(result.operation), {
            "idempotent-replayed": "true",
          });
        case "created":
          // An asynchronous workflow's answer is always "accepted"; a sync one's tells if it finished.
          return operationResponse(result.operation, result.sync ? doneStatus(result.operation) : 202);
      }
    },

    async getOperation(request: Request, id: string): Promise<Response> {
      const auth = await requireScope(db, request, "operations:read");
      if (!auth.ok) return auth.response;
      const hostile = hostileParameters({ id }, "/path");
      if (hostile) return hostile;
      const op = await presenters.operation.call(id);
      // Another type's operation answers exactly like a missing one: a key learns nothing.
      if (!op || !maySeeType(auth.principal, op.type)) {
        return problem("not-found", { detail: `No operation with id "${id}".` });
      }
      return operationResponse(op, 200);
    },

    async listOperations(request: Request): Promise<Response> {
      const auth = await requireScope(db, request, "operations:read");
      if (!auth.ok) return auth.response;
      const query = Object.fromEntries(new URL(request.url).searchParams);
      const hostile = hostileParameters(query, "/query");
      if (hostile) return hostile;
      const parsed = ZListOperationsQuerySchema.safeParse(query);
      if (!parsed.success) {
        return problem("invalid-request", {
          detail: "Invalid query parameters.",
          errors: zodIssues(parsed.error).map((e) => ({ ...e, pointer: `/query${e.pointer}` })),
        });
      }
      const page = await presenters.operations.call({ ...parsed.data, types: visibleTypes(auth.principal) });
      return json({ items: page.items.map((op) => toOperationResource(op, registry)), next: page.next });
    },
  };
}

/** 200 once the operation is done, else 202 (poll its Location). */
const doneStatus = (op: OperationWithSteps) => (isTerminal(op.status) ? 200 : 202);
