import { randomUUID } from "node:crypto";
import { transaction } from "@/db/transaction";
import type { Engine } from "@/server/engine/engine";
import type { Commit } from "@/server/engine/store/commit";
import { commitState } from "@/server/engine/store/commit";
import type { LoadedOperation } from "@/server/engine/store/load";
import { commitBase, done, type Turn } from "@/server/engine/turn";
import type { StepDefinition } from "@/server/workflows/kit/types";
import { type WaitCallback, waitingStage } from "@/server/workflows/kit/wait";
import { createCallbackToken } from "./callback-token";
import { callbackBaseUrl, callbackSecret, WAIT_LEASE_PREFIX } from "./settings";

/**
 * The callback of the wait this attempt will open. Its id is fresh per attempt: the row is
 * written only when the effect returned, so a token of an attempt that never committed
 * names no row and is refused like a forged one.
 */
export function newCallback(operationId: string, step: string): WaitCallback {
  const waitId = randomUUID();
  const token = createCallbackToken(callbackSecret(), { waitId, operationId, step });
  return { waitId, token, url: `${callbackBaseUrl()}/api/v1/callbacks/${token}` };
}

/**
 * The effect of a waiting step returned: in one transaction the attempt ends (the worker's
 * lease is released), the step row is marked as its wait's (`wait:<id>`, no expiry, so no
 * claim, sweeper or recovery takes it), the wait row opens and `wait_started` says what the
 * operation waits for. The operation stays `processing`; the run ends with no job behind it.
 */
export async function openWait(
  engine: Engine,
  op: LoadedOperation,
  index: number,
  def: StepDefinition,
  callback: WaitCallback,
  durationMs: number,
): Promise<Turn> {
  const wait = def.wait!;
  const position = op.rows[index]!.position;
  const now = engine.now();
  const deadlineAt = new Date(now.getTime() + wait.deadlineMs);
  const heartbeatDeadlineAt = wait.heartbeatMs ? new Date(now.getTime() + wait.heartbeatMs) : null;
  const plan = {
    after: op.state,
    events: [
      {
        type: "wait_started" as const,
        step: def.name,
        data: {
          waitId: callback.waitId,
          target: wait.target,
          stage: waitingStage(wait),
          deadlineAt: deadlineAt.toISOString(),
          heartbeatMs: wait.heartbeatMs ?? null,
          attempt: op.state.steps[index]!.attempts,
          durationMs,
        },
      },
    ],
  };
  const commit: Commit = {
    ...commitBase(engine, op, plan, { [position]: "release" }),
    guard: { kind: "lease", position },
  };
  const written = await transaction(engine.db, async (tx) => {
    const token = await commitState(tx.sql, commit);
    if (!token) return null;
    await tx.sql`update steps set lease_owner = ${WAIT_LEASE_PREFIX + callback.waitId}
      where operation_id = ${op.id} and position = ${position}`;
    // This attempt holds the step (the commit above was fenced on its lease): an open wait of an
    // earlier attempt, left when an operator moved the step on mid-wait, is over.
    await tx.sql`update waits set state = 'cancelled', updated_at = now()
      where operation_id = ${op.id} and step = ${def.name} and state = 'waiting'`;
    await tx.sql`insert into waits (id, operation_id, step, kind, target, deadline_at, heartbeat_ms,
        heartbeat_deadline_at)
      values (${callback.waitId}, ${op.id}, ${def.name}, 'acknowledgment', ${wait.target},
        ${deadlineAt.toISOString()}, ${wait.heartbeatMs ?? null}, ${heartbeatDeadlineAt?.toISOString() ?? null})`;
    return token;
  });
  if (!written) {
    engine.log(`operation ${op.id}: lost the lease on "${def.name}" before its wait opened`);
    return done("fenced");
  }
  return done("waiting");
}
