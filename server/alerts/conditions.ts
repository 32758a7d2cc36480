import type { SqlQueryable } from "@/db/transaction";
import type { AlertRuleName } from "@/server/domain/alerts";
import { asDate, perRunnableStatus, uuidV7Floor } from "@/server/presenters/rows";
import { type Condition, minutes } from "./condition";
import { noWorkers, synthetic } from "./liveness-conditions";
import { type AlertRule, BLOCKED_BACKLOG_COUNT, MIN_SAMPLE } from "./rules";
import { webhookFailing } from "./webhook-condition";

export type { Condition };

/** A rule that holds now, with the operations it is about. */

const SAMPLE = 10;
/**
 * Most candidate rows read per (type, status): bounds one evaluation when a whole backlog
 * matches (the count then reads "at least" SCAN). Same bound as the dashboard's stuck panel.
 */
export const SCAN = 1000;

interface Candidate {
  id: string;
  type: string;
  kind: string | null;
  since: string;
}

function affected(rows: Candidate[]): Pick<Condition, "affectedCount" | "oldestAt" | "sample"> {
  const at = new Map(rows.map((r) => [r, Date.parse(r.since)]));
  const sorted = [...rows].sort((a, b) => at.get(a)! - at.get(b)!);
  return {
    affectedCount: rows.length,
    oldestAt: sorted[0] ? asDate(sorted[0].since) : null,
    sample: sorted.slice(0, SAMPLE).map((r) => r.id),
  };
}

/** In one pass: the evaluation groups up to SCAN rows per (type, status), so no copy per row. */
function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const atLeast = (n: number) => (n >= SCAN ? `at least ${n}` : `${n}`);

/**
 * Every rule that holds at `now`. Each read is over an index: operations_status_type_idx
 * ((status, type, id desc), one range per type and status, LIMIT SCAN) for stuck, retries
 * exhausted and blocked backlog; operations_type_completed_idx ((type, completed_at) where
 * finished and not synthetic) for completion lag and failure rate. Synthetic operations
 * count only for their own rule.
 */
export async function evaluateConditions(
  sql: SqlQueryable,
  rules: AlertRule[],
  now: Date,
): Promise<Condition[]> {
  const of = (name: AlertRuleName) => rules.filter((r) => r.rule === name);
  const parts = await Promise.all([
    stuck(sql, of("stuck"), now),
    blocked(sql, of("retries_exhausted"), of("blocked_backlog"), now),
    finished(sql, of("completion_lag"), of("failure_rate"), now),
    noWorkers(sql, of("no_workers"), now),
    synthetic(sql, of("synthetic_check"), now),
    webhookFailing(sql, of("webhook_failing")),
  ]);
  return parts.flat();
}

async function stuck(sql: SqlQueryable, rules: AlertRule[], now: Date): Promise<Condition[]> {
  if (rules.length === 0) return [];
  // Only operations accepted before the threshold can be stuck (updated_at ≥ created_at),
  // and ids are UUIDv7: each (status, type) is an id range below the floor.
  const at = now.toISOString();
  const union = perRunnableStatus(
    sql,
    (status) => sql`
      select o.id, o.updated_at from operations o
      where o.status = ${status} and o.type = t.type and o.id < t.floor and not o.synthetic
        -- A durable wait (issue 12) is not stuck before its deadline (a timer before it is due), and is
        -- stuck past its deadline whatever its last event; the rest by their last event.
        and ((o.updated_at < ${at}::timestamptz - t.ms * interval '1 millisecond'
              and not exists (select 1 from waits w where w.operation_id = o.id and w.state = 'waiting'
                and (w.deadline_at > ${at}::timestamptz
                  or (w.kind = 'timer' and w.wake_at > ${at}::timestamptz))))
          or exists (select 1 from waits w where w.operation_id = o.id and w.state = 'waiting'
                and w.deadline_at <= ${at}::timestamptz))
      limit ${SCAN}`,
  );
  const rows = await sql<Candidate[]>`
    select c.id, t.type, null as kind, c.updated_at as since
    from unnest(${rules.map((r) => r.workflowType)}::text[], ${rules.map((r) => r.threshold)}::bigint[],
                ${rules.map((r) => uuidV7Floor(new Date(now.getTime() - r.threshold)))}::uuid[]) as t(type, ms, floor)
    cross join lateral (${union}) c`;
  const byType = groupBy(rows, (r) => r.type);
  return rules.flatMap((r) => {
    const hit = byType.get(r.workflowType);
    if (!hit) return [];
    return [
      {
        rule: "stuck" as const,
        workflowType: r.workflowType,
        scope: "",
        summary: `${atLeast(hit.length)} operations with no new event for more than ${minutes(r.threshold)}`,
        ...affected(hit),
      },
    ];
  });
}

async function blocked(
  sql: SqlQueryable,
  exhausted: AlertRule[],
  backlog: AlertRule[],
  now: Date,
): Promise<Condition[]> {
  const types = [...new Set([...exhausted, ...backlog].map((r) => r.workflowType))];
  if (types.length === 0) return [];
  const rows = await sql<Candidate[]>`
    select c.id, t.type, c.blocked_kind as kind, c.updated_at as since
    from unnest(${types}::text[]) as t(type)
    cross join lateral (
      select o.id, o.blocked_kind, o.updated_at from operations o
      where o.status = 'blocked' and o.type = t.type and not o.synthetic
      limit ${SCAN}
    ) c`;
  const out: Condition[] = [];
  for (const r of exhausted) {
    const hit = rows.filter((c) => c.type === r.workflowType && c.kind === "retries_exhausted");
    if (hit.length >= r.threshold)
      out.push({
        rule: "retries_exhausted",
        workflowType: r.workflowType,
        scope: "",
        summary: `${atLeast(hit.length)} operations blocked after a step ran out of attempts`,
        ...affected(hit),
      });
  }
  for (const r of backlog) {
    // Retries exhausted has its own rule; every other kind is a backlog of its own.
    const mine = rows.filter((c) => c.type === r.workflowType && c.kind !== "retries_exhausted");
    for (const [kind, hit] of groupBy(mine, (c) => c.kind ?? "unknown")) {
      const old = hit.filter((c) => Date.parse(c.since) < now.getTime() - r.threshold);
      if (old.length === 0 && hit.length <= BLOCKED_BACKLOG_COUNT) continue;
      out.push({
        rule: "blocked_backlog",
        workflowType: r.workflowType,
        scope: kind,
        summary:
          old.length > 0
            ? `${old.length} operations blocked (${kind}) for more than ${minutes(r.threshold)}`
            : `${atLeast(hit.length)} operations blocked (${kind}), more than ${BLOCKED_BACKLOG_COUNT}`,
        ...affected(hit),
      });
    }
  }
  return out;
}

async function finished(
  sql: SqlQueryable,
  lag: AlertRule[],
  rate: AlertRule[],
  now: Date,
): Promise<Condition[]> {
  const windows = [...lag, ...rate];
  if (windows.length === 0) return [];
  const types = [...new Set(windows.map((r) => r.workflowType))];
  // Each rule keeps its own window (an admin may set one per type): one scan per type back to
  // the longer of its two, each figure filtered to its own rule's window.
  const since = (rules: AlertRule[], type: string) => {
    const r = rules.find((x) => x.workflowType === type);
    return new Date(now.getTime() - (r ? r.windowMs : 0)).toISOString();
  };
  const lagFrom = types.map((t) => since(lag, t));
  const rateFrom = types.map((t) => since(rate, t));
  const lagThreshold = new Map(lag.map((r) => [r.workflowType, r.threshold]));
  const rows = await sql<
    {
      type: string;
      finished: number;
      failed: number;
      completed: number;
      p95: number | null;
      slow: string[];
      failedIds: string[];
    }[]
  >`
    select t.type, s.finished, s.failed, s.completed, s.p95, s.slow, s.failed_ids as "failedIds"
    from unnest(${types}::text[], ${types.map((t) => lagThreshold.get(t) ?? 0)}::bigint[],
                ${lagFrom}::text[]::timestamptz[], ${rateFrom}::text[]::timestamptz[]) as t(type, objective, lag_from, rate_from)
    cross join lateral (
      select count(*) filter (where o.completed_at >= t.rate_from)::int as finished,
        count(*) filter (where o.status = 'failed' and o.completed_at >= t.rate_from)::int as failed,
        count(*) filter (where o.status = 'completed' and o.completed_at >= t.lag_from)::int as completed,
        (percentile_cont(0.95) within group (order by extract(epoch from o.completed_at - o.created_at) * 1000)
          filter (where o.status = 'completed' and o.completed_at >= t.lag_from))::float8 as p95,
        coalesce((array_agg(o.id::text order by o.completed_at)
          filter (where o.status = 'completed' and o.completed_at >= t.lag_from
            and o.completed_at - o.created_at > t.objective * interval '1 millisecond'))[1:10], '{}') as slow,
        coalesce((array_agg(o.id::text order by o.completed_at)
          filter (where o.status = 'failed' and o.completed_at >= t.rate_from))[1:10], '{}') as failed_ids
      from operations o
      where o.type = t.type and o.completed_at is not null and not o.synthetic
        and o.completed_at >= least(t.lag_from, t.rate_from)
    ) s`;
  const byType = new Map(rows.map((r) => [r.type, r]));
  const out: Condition[] = [];
  for (const r of lag) {
    const s = byType.get(r.workflowType);
    if (!s || s.completed < MIN_SAMPLE || s.p95 === null || s.p95 <= r.threshold) continue;
    out.push({
      rule: "completion_lag",
      workflowType: r.workflowType,
      scope: "",
      summary: `p95 accepted → completed is ${minutes(s.p95)}, above the objective of ${minutes(r.threshold)}`,
      affectedCount: s.slow.length,
      oldestAt: null,
      sample: s.slow,
    });
  }
  for (const r of rate) {
    const s = byType.get(r.workflowType);
    if (!s || s.finished < MIN_SAMPLE || (s.failed * 100) / s.finished <= r.threshold) continue;
    out.push({
      rule: "failure_rate",
      workflowType: r.workflowType,
      scope: "",
      summary: `${s.failed} of ${s.finished} finished in ${minutes(r.windowMs)} failed, above ${r.threshold}%`,
      affectedCount: s.failed,
      oldestAt: null,
      sample: s.failedIds,
    });
  }
  return out;
}
