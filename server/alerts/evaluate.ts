import type { Sql, TransactionSql } from "postgres";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { withTickLock } from "@/db/tick-lock";
import { type Tx, txOver } from "@/db/transaction";
import { ALERTS_CHANNEL } from "@/server/domain/alerts";
import { type OutboxEvent, writeOutbox } from "@/server/webhooks/outbox";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { Condition } from "./condition";
import { evaluateConditions } from "./conditions";
import { ALL_TYPES, alertRules } from "./rules";

/** How often the worker processes evaluate every rule (one evaluation per tick across all of them). */
export const ALERT_TICK_MS = 15_000;
export const ALERT_TICK_LOCK = "alerts.evaluate";

export type EvaluationResult =
  | { ran: false; reason: "locked" | "done" }
  | { ran: true; tick: string; fired: number; resolved: number; holding: number; durationMs: number };

interface OpenAlert {
  id: string;
  rule: string;
  workflowType: string;
  scope: string;
  firedAt: string;
}

const keyOf = (a: { rule: string; workflowType: string; scope: string }) =>
  `${a.rule}/${a.workflowType}/${a.scope}`;

/**
 * One evaluation of every rule for every type, and the lifecycle it drives, in one
 * transaction under the tick lock: a rule that holds with no open alert fires one (the
 * unique partial index alerts_open_key_uq makes a second impossible); an open alert whose
 * rule no longer holds resolves with how long it lasted; open ones are refreshed (count,
 * oldest, sample). The tick's row in alert_evaluations commits with it, so a second
 * evaluator arriving for the same tick finds it done, and a crash mid-tick leaves nothing.
 */
export async function evaluateAlerts(deps: {
  db: Db;
  registry: WorkflowRegistry;
  now?: Date;
  evaluator?: string;
  tickMs?: number;
}): Promise<EvaluationResult> {
  const now = deps.now ?? new Date();
  const tickMs = deps.tickMs ?? ALERT_TICK_MS;
  const tick = new Date(Math.floor(now.getTime() / tickMs) * tickMs).toISOString();
  const started = performance.now();
  const result = await withTickLock(deps.db.$client as Sql, ALERT_TICK_LOCK, async (sql) => {
    const claimed = await sql`
      insert into alert_evaluations (tick, evaluator, started_at, duration_ms, fired, resolved)
      values (${tick}, ${deps.evaluator ?? "worker"}, ${now.toISOString()}, 0, 0, 0)
      on conflict (tick) do nothing returning tick`;
    if (claimed.length === 0) return { ran: false, reason: "done" } as const;
    const rules = await alertRules(txOver(deps.db, sql).db, deps.registry);
    const holding = await evaluateConditions(sql, rules, now);
    const { fired, resolved } = await applyLifecycle(txOver(deps.db, sql), holding, now);
    const durationMs = Math.round(performance.now() - started);
    await sql`update alert_evaluations set duration_ms = ${durationMs}, fired = ${fired}, resolved = ${resolved}
      where tick = ${tick}`;
    if (fired + resolved > 0) await sql`select pg_notify(${ALERTS_CHANNEL}, ${tick})`;
    return { ran: true, tick, fired, resolved, holding: holding.length, durationMs } as const;
  });
  return result.ran ? result.value : { ran: false, reason: "locked" };
}

/**
 * An alert told to webhook endpoints, in the evaluation's transaction (a rolled-back tick tells
 * nothing). Lined up by the alert's id, so a receiver never sees its resolution before its firing;
 * a fleet-wide rule (type `*`) reaches every endpoint whatever its workflow types.
 */
function alertEvent(
  type: "alert.firing" | "alert.resolved",
  alert: { id: string; rule: string; workflowType: string; scope: string; summary: string },
  extra: Record<string, unknown>,
): OutboxEvent {
  const workflowType = alert.workflowType === ALL_TYPES ? null : alert.workflowType;
  return {
    type,
    operationId: alert.id,
    workflowType,
    data: {
      alertId: alert.id,
      rule: alert.rule,
      workflowType,
      scope: alert.scope,
      summary: alert.summary,
      ...extra,
    },
  };
}

async function applyLifecycle(
  tx: Tx,
  holding: Condition[],
  now: Date,
): Promise<{ fired: number; resolved: number }> {
  const sql: TransactionSql = tx.sql;
  const open = await sql<(OpenAlert & { summary: string })[]>`
    select id, rule, workflow_type as "workflowType", scope, summary, fired_at as "firedAt"
    from alerts where resolved_at is null`;
  const openByKey = new Map(open.map((a) => [keyOf(a), a]));
  const holdingKeys = new Set(holding.map(keyOf));
  const at = now.toISOString();
  let fired = 0;
  let resolved = 0;
  for (const c of holding) {
    const existing = openByKey.get(keyOf(c));
    if (existing) {
      await sql`update alerts set summary = ${c.summary}, affected_count = ${c.affectedCount},
        oldest_at = ${c.oldestAt?.toISOString() ?? null}, sample = ${JSON.stringify(c.sample)}::jsonb, updated_at = ${at}
        where id = ${existing.id}`;
      continue;
    }
    const id = uuidv7();
    const inserted = await sql`
      insert into alerts (id, rule, workflow_type, scope, state, summary, affected_count, oldest_at, sample,
        fired_at, updated_at)
      values (${id}, ${c.rule}, ${c.workflowType}, ${c.scope}, 'firing', ${c.summary}, ${c.affectedCount},
        ${c.oldestAt?.toISOString() ?? null}, ${JSON.stringify(c.sample)}::jsonb, ${at}, ${at})
      on conflict (rule, workflow_type, scope) where resolved_at is null do nothing returning id`;
    if (inserted.length === 0) continue;
    await sql`insert into alert_history (alert_id, kind, actor, note, data, at)
      values (${id}, 'fired', 'system', ${c.summary}, ${JSON.stringify({ affectedCount: c.affectedCount })}::jsonb, ${at})`;
    await writeOutbox(tx, [
      alertEvent("alert.firing", { id, ...c }, { affectedCount: c.affectedCount, firedAt: at }),
    ]);
    fired++;
  }
  for (const a of open) {
    if (holdingKeys.has(keyOf(a))) continue;
    const lastedMs = now.getTime() - Date.parse(a.firedAt);
    await sql`update alerts set state = 'resolved', resolved_at = ${at}, updated_at = ${at} where id = ${a.id}`;
    await sql`insert into alert_history (alert_id, kind, actor, note, data, at)
      values (${a.id}, 'resolved', 'system', 'the condition cleared', ${JSON.stringify({ lastedMs })}::jsonb, ${at})`;
    await writeOutbox(tx, [
      alertEvent("alert.resolved", a, { firedAt: a.firedAt, resolvedAt: at, lastedMs }),
    ]);
    resolved++;
  }
  return { fired, resolved };
}
