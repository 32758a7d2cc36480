import type { RequestMeta } from "@/server/audit/write";
import type { Principal } from "@/server/domain/principal";
import { type ActionDeps, type ActionResult, performAction } from "./perform";
import type { ActionRequest } from "./plans";

/**
 * The operator actions as the console and tRPC use them: perform one (performAction) with
 * the process's database and run queue. Which ones are allowed: AvailableActionsPresenter.
 */
export class OperationActionsService {
  constructor(private readonly deps: ActionDeps) {}

  perform(options: {
    operationId: string;
    request: ActionRequest;
    reason: string;
    principal: Principal;
    requestMeta: RequestMeta;
  }): Promise<ActionResult> {
    return performAction(this.deps, options);
  }
}
