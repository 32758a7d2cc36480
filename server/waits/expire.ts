import type { Db } from "@/db/client";
import type { Tx } from "@/db/transaction";
import type { RunQueue } from "@/server/engine/run-queue";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { finishWait, lockWait, stepHeldBy } from "./complete";

/**
 * The deadline of each open wait past it (or past its heartbeat deadline), in the caller's
 * transaction: the step blocks with kind `awaiting_external` and its declared action, or
 * fails (and the operation compensates), as the step's `wait.onDeadline` says. A wait whose
 * step an operator moved meanwhile is cancelled. Soonest first, `limit` per call. The due rows
 * are read unlocked, then each is locked as an acknowledgment locks it (operation, then wait),
 * so the two never deadlock; whichever commits first decides, the other reads its result.
 */
export async function expireWaits(
  tx: Tx,
  deps: { db: Db; runs: Pick<RunQueue, "enqueue">; registry: WorkflowRegistry },
  now: Date,
  limit: number,
): Promise<number> {
  const due = await tx.sql<{ id: string; operationId: string }[]>`
    select id, operation_id as "operationId" from waits
    where state = 'waiting' and kind = 'acknowledgment'
      and (deadline_at <= now() or heartbeat_deadline_at <= now())
    order by least(deadline_at, heartbeat_deadline_at) limit ${limit}`;
  let expired = 0;
  for (const { id, operationId } of due) {
    const locked = await lockWait(tx, deps.registry, operationId, { waitId: id });
    if (locked?.wait.state !== "waiting") continue;
    const position = stepHeldBy(locked);
    const onDeadline = locked.def?.wait?.onDeadline;
    if (position === null || !onDeadline) {
      await tx.sql`update waits set state = 'cancelled', updated_at = now() where id = ${id}`;
      continue;
    }
    const { target } = locked.wait;
    const missedHeartbeat = !locked.wait.late && locked.wait.heartbeatLate;
    const message = missedHeartbeat
      ? `${target} stopped sending heartbeats: none arrived within the step's heartbeat interval.`
      : `${target} did not answer by the deadline.`;
    const code = missedHeartbeat ? "heartbeat_missed" : "wait_deadline";
    const plan = await finishWait(
      tx,
      deps.runs,
      locked,
      position,
      "block" in onDeadline
        ? {
            type: "error",
            error: {
              errorClass: "needs_person",
              error: { message, errorClass: "needs_person", code },
              kind: "awaiting_external",
              actionRequired: onDeadline.block.actionRequired,
            },
          }
        : {
            type: "error",
            error: {
              errorClass: "permanent",
              error: { message: `${message} ${onDeadline.fail.reason}`, errorClass: "permanent", code },
            },
          },
      {
        state: "expired",
        outcome: "block" in onDeadline ? "needs_person" : "permanent",
        payload: null,
        payloadHash: null,
        by: "deadline",
        actor: "system",
        now,
        event: null,
      },
    );
    if (plan) expired++;
  }
  return expired;
}
