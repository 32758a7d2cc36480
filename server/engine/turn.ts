import type { Engine, RunResult } from "./context";
import type { Plan } from "./plan";
import type { LeaseChange, LoadedOperation } from "./store";

/** What one turn of a run leaves: the operation to continue with, or how the run ended. */
export type Turn =
  | { type: "continue"; op: LoadedOperation; claimed: boolean }
  | { type: "done"; result: RunResult };

export const done = (result: RunResult): Turn => ({ type: "done", result });

/** The fields of a commit that come from the loaded operation and the plan. */
export function commitBase(
  engine: Engine,
  op: LoadedOperation,
  plan: Plan,
  leases: Record<number, LeaseChange>,
) {
  return {
    operationId: op.id,
    token: op.token,
    owner: engine.owner,
    leaseMs: engine.leaseMs,
    before: op.state,
    after: plan.after,
    leases,
    events: plan.events,
    actor: engine.actor,
    positions: op.rows.map((r) => r.position),
  };
}

/** A write was fenced out: read the operation again and let the next turn decide. */
export async function reload(engine: Engine, operationId: string): Promise<Turn> {
  const op = await engine.store.load(operationId);
  return op ? { type: "continue", op, claimed: false } : done("missing");
}
