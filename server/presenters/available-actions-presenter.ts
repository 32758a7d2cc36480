import type { Db } from "@/db/client";
import { type AvailableAction, availableActions } from "@/server/actions/plans";
import { loadOperations } from "@/server/engine/store/load";

/** Which operator actions an operation's current state allows (the detail page's buttons). */
export class AvailableActionsPresenter {
  constructor(private readonly db: Db) {}

  /** null when there is no such operation. */
  async call(operationId: string): Promise<AvailableAction[] | null> {
    const op = (await loadOperations(this.db.$client, [operationId])).get(operationId);
    if (!op) return null;
    return availableActions(op.state, op.rows);
  }
}
