import type { Db } from "@/db/client";
import { type ActionWithConsequences, withConsequences } from "@/server/actions/consequences";
import { availableActions } from "@/server/actions/plans";
import { loadOperations } from "@/server/engine/store/load";
import { openTimers } from "@/server/waits/timer";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";

/**
 * Which operator actions an operation's current state allows (the detail page's buttons),
 * each with what it will do (undone and kept effects, steps that run after a skip).
 */
export class AvailableActionsPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry?: Pick<WorkflowRegistry, "get">,
  ) {}

  /** null when there is no such operation. */
  async call(operationId: string): Promise<ActionWithConsequences[] | null> {
    const op = (await loadOperations(this.db.$client, [operationId])).get(operationId);
    if (!op) return null;
    const workflow = this.registry?.get(op.type, op.version);
    const timers = new Set((await openTimers(this.db.$client, operationId)).keys());
    return withConsequences(op.state, workflow, availableActions(op.state, op.rows, new Date(), timers));
  }
}
