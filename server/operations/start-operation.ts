import { actorOf, maySeeType, type Principal, startsSynthetic } from "@/server/domain/principal";
import type { OperationPresenter, OperationWithSteps } from "@/server/presenters/operation-presenter";
import type { IntakeResult, IntakeService, StartRequestBody } from "./intake";
import { waitForCompletion } from "./wait-for-completion";

export interface StartOperationOptions {
  request: StartRequestBody;
  /** Who asks: decides which types it may start, and scopes its idempotency keys. */
  principal: Principal;
  idempotencyKey?: string | null;
  /** The caller's W3C `traceparent` header: intake's span joins that trace (else a new one). */
  traceparent?: string | null;
}

export type StartOperationResult =
  /** An API key limited to other workflow types. */
  | { type: "forbidden_type"; workflowType: string }
  | Exclude<IntakeResult, { type: "created" } | { type: "replayed" }>
  /**
   * Recorded now. `sync`: the workflow answers in the request, so `operation` is as done as
   * it got within the workflow's budget; otherwise it is as accepted.
   */
  | { type: "created"; operation: OperationWithSteps; sync: boolean }
  /** The same idempotency key and request again: the operation as it is now. */
  | { type: "replayed"; operation: OperationWithSteps };

/**
 * Starting an operation, the one use case behind `POST /api/v1/operations` and the
 * `operations.start` procedure: the principal's type visibility, intake, then for a `sync`
 * workflow a wait up to its budget (else one read). The transports only map the result.
 */
export class StartOperationService {
  constructor(
    private readonly intake: IntakeService,
    private readonly operations: OperationPresenter,
  ) {}

  async call(options: StartOperationOptions): Promise<StartOperationResult> {
    const { request, principal } = options;
    if (!maySeeType(principal, request.type)) return { type: "forbidden_type", workflowType: request.type };
    const result = await this.intake.call({
      request,
      caller: actorOf(principal),
      idempotencyKey: options.idempotencyKey,
      traceparent: options.traceparent,
      // Only the synthetic checker's key starts synthetic operations: nothing in the request can.
      synthetic: startsSynthetic(principal),
    });
    switch (result.type) {
      case "created": {
        const { completion } = result.workflow;
        const operation =
          completion.mode === "sync"
            ? await waitForCompletion({
                operations: this.operations,
                id: result.operationId,
                budgetMs: completion.budgetMs,
              })
            : result.operation;
        return {
          type: "created",
          operation: recorded(operation, result.operationId),
          sync: completion.mode === "sync",
        };
      }
      case "replayed":
        return {
          type: "replayed",
          operation: recorded(await this.operations.call(result.operationId), result.operationId),
        };
      default:
        return result;
    }
  }
}

/** Intake committed it, so it is there: a missing row is a bug, not a refusal. */
function recorded(operation: OperationWithSteps | null, id: string): OperationWithSteps {
  if (!operation) throw new Error(`Operation ${id} was accepted but cannot be read back.`);
  return operation;
}
