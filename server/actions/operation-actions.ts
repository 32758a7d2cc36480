import type { Db } from "@/db/client";
import type { RequestMeta } from "@/server/audit/write";
import type { Principal } from "@/server/auth/principal";
import { loadOperations } from "@/server/engine/store";
import { type ActionDeps, type ActionResult, performAction } from "./perform";
import { type ActionRequest, type AvailableAction, availableActions } from "./plans";

/**
 * The operator actions as the console and tRPC use them: perform one (performAction) and
 * tell which ones the operation's current state allows.
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

export class AvailableActionsPresenter {
  constructor(private readonly db: Db) {}

  /** null when there is no such operation. */
  async call(operationId: string): Promise<AvailableAction[] | null> {
    const op = (await loadOperations(this.db.$client, [operationId])).get(operationId);
    if (!op) return null;
    return availableActions(op.state, op.rows);
  }
}
