import { randomUUID } from "node:crypto";
import type { SqlQueryable, Tx } from "@/db/transaction";
import { transaction } from "@/db/transaction";
import type { Engine } from "@/server/engine/engine";
import type { RunJob } from "@/server/engine/run-queue";
import { commitState } from "@/server/engine/store/commit";
import type { LoadedOperation } from "@/server/engine/store/load";
import { done, reload, type Turn } from "@/server/engine/turn";
import { scheduledStage, timerDueAt } from "@/server/workflows/kit/timer";
import type { StepDefinition } from "@/server/workflows/kit/types";

/** The `target` of a timer's wait row: the clock, not an outside system. */
export const TIMER_TARGET = "clock";

interface TimerRow {
  id: string;
  state: string;
  wakeAt: Date;
  due: boolean;
}

/** The latest timer of a step (open, or how it ended), due by the database clock. */
async function latestTimer(sql: SqlQueryable, operationId: string, step: string): Promise<TimerRow | null> {
  const [row] = await sql<TimerRow[]>`
    select id, state, wake_at as "wakeAt", wake_at <= now() as due from waits
    where operation_id = ${operationId} and step = ${step} and kind = 'timer'
    order by (state = 'waiting') desc, created_at desc limit 1`;
  return row ?? null;
}

export const timerJob = (operationId: string, at: Date): RunJob => ({
  data: { operationId, reason: "timer" },
  startAfter: at,
});

/**
 * Before a pending step with a `timer` is claimed: null when it may run now (its timer fired,
 * by the clock or an operator's "run now"), else the run ends here. The first time, one
 * transaction opens the timer — the operation becomes `processing`, `timer_scheduled` says
 * until when, the wait row and a run job with `startAfter` its due time are written — so no
 * worker is held and a restart loses nothing. A job that comes early (a recovery, a duplicate)
 * leaves a job for the due time and ends. Firing is a compare-and-set on the wait row, so of
 * the clock and an operator exactly one fires it and writes `timer_fired`.
 */
export async function timerGate(
  engine: Engine,
  op: LoadedOperation,
  def: StepDefinition,
): Promise<Turn | null> {
  const timer = def.timer;
  if (!timer) return null;
  const found = await latestTimer(engine.db.$client, op.id, def.name);
  if (found?.state === "completed") return null;
  if (found?.state === "waiting") {
    if (!found.due) {
      await transaction(engine.db, (tx) =>
        engine.runs.enqueue(tx, [timerJob(op.id, new Date(found.wakeAt))]),
      );
      return done("waiting");
    }
    const fired = await transaction(engine.db, (tx) =>
      fireTimer(tx, op.id, found.id, engine.actor, { by: "clock" }),
    );
    // Fired now or by someone else meanwhile (an operator): either way the step may run.
    return fired === "gone" ? reload(engine, op.id) : null;
  }
  // No open timer (none yet, or an earlier one was cancelled): open one. The loaded operation
  // of a start job has no input yet; read it so `at` sees the request.
  const loaded = op.token === null ? await engine.store.load(op.id) : op;
  if (!loaded) return done("missing");
  const outputs = Object.fromEntries(
    loaded.state.steps.filter((s) => s.status === "succeeded").map((s) => [s.name, s.output]),
  );
  const now = engine.now();
  const wakeAt = timerDueAt(timer, { input: loaded.input, outputs, now });
  const waitId = randomUUID();
  const after = { ...loaded.state, status: "processing" as const };
  const written = await transaction(engine.db, async (tx) => {
    const token = await commitState(tx.sql, {
      operationId: loaded.id,
      token: loaded.token,
      owner: engine.owner,
      leaseMs: 0,
      guard: { kind: "none" },
      before: loaded.state,
      after,
      leases: {},
      events: [
        {
          type: "timer_scheduled",
          step: def.name,
          data: {
            waitId,
            wakeAt: wakeAt.toISOString(),
            stage: scheduledStage(wakeAt),
            waitingFor: timer.waitingFor,
          },
        },
      ],
      actor: engine.actor,
      positions: loaded.rows.map((r) => r.position),
    });
    if (!token) return false;
    await tx.sql`insert into waits (id, operation_id, step, kind, target, wake_at)
      values (${waitId}, ${loaded.id}, ${def.name}, 'timer', ${TIMER_TARGET}, ${wakeAt.toISOString()})`;
    await engine.runs.enqueue(tx, [timerJob(loaded.id, wakeAt)]);
    return true;
  });
  // Fenced (an operator or another worker changed the operation): the next turn decides again.
  if (!written) return reload(engine, op.id);
  return done("waiting");
}

/**
 * Fires an open timer in the caller's transaction (the clock when due, or an operator's "run
 * now" at any time): the wait row completes (compare-and-set: the first wins) and
 * `timer_fired` goes on the timeline. `gone` when it was not open any more.
 */
export async function fireTimer(
  tx: Tx,
  operationId: string,
  waitId: string,
  actor: string,
  how: { by: string; reason?: string },
): Promise<"fired" | "gone"> {
  const rows = await tx.sql<{ step: string; wakeAt: Date }[]>`
    update waits set state = 'completed', outcome = 'succeeded', completed_by = ${how.by},
      completed_at = now(), updated_at = now()
    where id = ${waitId} and operation_id = ${operationId} and state = 'waiting' and kind = 'timer'
      ${how.by === "clock" ? tx.sql`and wake_at <= now()` : tx.sql``}
    returning step, wake_at as "wakeAt"`;
  const row = rows[0];
  if (!row) return "gone";
  await tx.sql`insert into events (operation_id, type, step, actor, data)
    values (${operationId}, 'timer_fired', ${row.step}, ${actor}, ${JSON.stringify({
      waitId,
      scheduledFor: new Date(row.wakeAt).toISOString(),
      early: how.by !== "clock",
      ...(how.reason ? { reason: how.reason } : {}),
    })}::jsonb)`;
  return "fired";
}

/** The open timer of each step of an operation that has one (for "run now"). */
export async function openTimers(
  sql: SqlQueryable,
  operationId: string,
): Promise<Map<string, { waitId: string; wakeAt: Date }>> {
  const rows = await sql<{ step: string; id: string; wakeAt: Date }[]>`
    select step, id, wake_at as "wakeAt" from waits
    where operation_id = ${operationId} and state = 'waiting' and kind = 'timer'`;
  return new Map(rows.map((r) => [r.step, { waitId: r.id, wakeAt: new Date(r.wakeAt) }]));
}
