import type { Engine, RunResult } from "./engine";
import type { Plan } from "./plan";
import type { LeaseChange } from "./store/commit";
import type { LoadedOperation } from "./store/load";

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

/**
 * The loaded operation after a successful write: new token, state and lease holder. `sentAt`:
 * the local time before the write was sent, kept on the rows it acquired (`leaseSince`).
 */
export function advanced(
  op: LoadedOperation,
  written: { token: string; input?: unknown; traceId?: string; traceParent?: string },
  state: LoadedOperation["state"],
  leases: Record<number, "acquire" | "release">,
  owner: string,
  sentAt?: number,
): LoadedOperation {
  const rows = op.rows.map((row, index) => {
    const step = state.steps[index]!;
    const lease = leases[row.position];
    if (lease === "acquire")
      return { ...row, ...step, leaseOwner: owner, leaseLive: true, leaseSince: sentAt };
    if (lease === "release")
      return { ...row, ...step, leaseOwner: null, leaseLive: false, leaseSince: undefined };
    return { ...row, ...step };
  });
  if (op.token !== null) return { ...op, token: written.token, state, rows };
  // Known only from its start job until now: the claim's commit returned what the load would have.
  const { input, traceId, traceParent } = written;
  return {
    ...op,
    token: written.token,
    input,
    ...(traceId ? { traceId } : {}),
    ...(traceParent ? { traceParent } : {}),
    state,
    rows,
  };
}
