import type { Db } from "@/db/client";
import { type Tx, transaction } from "@/db/transaction";
import type { Actor } from "@/server/domain/events";
import { describeTransitionError, transition } from "@/server/domain/transition";
import type { RunQueue } from "./run-queue";
import { commitState } from "./store/commit";
import { loadOperations } from "./store/load";

export type ResumeResult =
  | { type: "resumed"; operationId: string }
  | { type: "not_found"; operationId: string }
  | { type: "refused"; operationId: string; message: string };

export interface ResumeOperationOptions {
  db: Db;
  /** Writes the run job that picks the operation up again, in the same transaction. */
  runs: Pick<RunQueue, "enqueue">;
  operationId: string;
  /** Who resumed it, for the timeline (`user:…` for a person, `system` for a decision service). */
  actor: Actor;
  /** Why, in a sentence, shown on the timeline. */
  reason: string;
  /** Runs first, in the same transaction (e.g. recording the decision that unblocks it). */
  before?: (tx: Tx) => Promise<void>;
}

/**
 * Unblocks a blocked operation: the `resumed` transition, its timeline event and a run job,
 * in one transaction with the operation row locked. The step that blocked runs again and
 * re-reads the world (so a fixed cause, an approval or a restock is seen).
 */
export async function resumeOperation(options: ResumeOperationOptions): Promise<ResumeResult> {
  const { db, operationId } = options;
  return transaction(db, async (tx) => {
    await options.before?.(tx);
    const op = (await loadOperations(tx.sql, [operationId], { lock: true })).get(operationId);
    if (!op) return { type: "not_found", operationId } as const;
    const next = transition(op.state, { type: "resumed" });
    if (!next.ok)
      return { type: "refused", operationId, message: describeTransitionError(next.error) } as const;
    const token = await commitState(tx.sql, {
      operationId,
      token: op.token,
      owner: options.actor,
      leaseMs: 0,
      guard: { kind: "none" },
      before: op.state,
      after: next.state,
      leases: {},
      events: [{ type: "resumed", step: op.state.block?.step ?? null, data: { reason: options.reason } }],
      actor: options.actor,
      positions: op.rows.map((r) => r.position),
    });
    if (!token) throw new Error(`Operation ${operationId} changed while it was being resumed.`);
    await options.runs.enqueue(tx, [{ data: { operationId, reason: "resume" } }]);
    return { type: "resumed", operationId } as const;
  });
}
