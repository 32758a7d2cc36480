import type { SqlQueryable } from "@/db/transaction";
import { asDate } from "@/server/presenters/rows";
import { type Condition, minutes } from "./condition";
import { ALL_TYPES, type AlertRule } from "./rules";

/**
 * Whether the path is alive at all, beside what its operations say: no_workers (work waits and no
 * live worker has been seen) and synthetic_check (the probe through the public API failed or was
 * slow). Read by evaluateConditions (conditions.ts).
 */

export async function noWorkers(sql: SqlQueryable, rules: AlertRule[], now: Date): Promise<Condition[]> {
  const r = rules[0];
  if (!r) return [];
  const [row] = await sql<{ waiting: boolean; alive: boolean }[]>`
    select exists (select 1 from operations where status in ('accepted', 'processing')) as waiting,
      exists (select 1 from workers where stopped_at is null
        and last_seen_at > ${now.toISOString()}::timestamptz - ${r.threshold} * interval '1 millisecond') as alive`;
  if (!row?.waiting || row.alive) return [];
  return [
    {
      rule: "no_workers",
      workflowType: ALL_TYPES,
      scope: "",
      summary: `work is waiting and no live worker was seen for ${minutes(r.threshold)}`,
      affectedCount: 0,
      oldestAt: null,
      sample: [],
    },
  ];
}

export async function synthetic(sql: SqlQueryable, rules: AlertRule[], now: Date): Promise<Condition[]> {
  if (rules.length === 0) return [];
  const budget = new Map(rules.map((r) => [r.workflowType, r.threshold]));
  // The latest finished run per type decides: one failing or slow run fires, the next good one
  // resolves. A run still unfinished past its budget counts as slow (the check itself may be the
  // thing stuck); one unfinished within it says nothing yet — it must not resolve a failing alert
  // for the seconds it runs. At most one unfinished run per type (synthetic_runs_in_flight_uq).
  const types = rules.map((r) => r.workflowType);
  const runs = await sql<
    {
      type: string;
      outcome: string | null;
      operationId: string | null;
      startedAt: string;
      completedMs: number | null;
      error: string | null;
    }[]
  >`
    select * from (
      select distinct on (workflow_type) workflow_type as type, outcome, operation_id as "operationId",
        started_at as "startedAt", completed_ms as "completedMs", error
      from synthetic_runs where workflow_type = any(${types}::text[]) and finished_at is not null
      order by workflow_type, started_at desc) finished
    union all
    select workflow_type, null, operation_id, started_at, null, null
    from synthetic_runs where workflow_type = any(${types}::text[]) and finished_at is null`;
  const overdue = (s: (typeof runs)[number]) =>
    now.getTime() - Date.parse(s.startedAt) > (budget.get(s.type) ?? Number.POSITIVE_INFINITY);
  const latest = new Map<string, (typeof runs)[number]>();
  for (const s of runs) {
    if (s.outcome === null && !overdue(s)) continue;
    if (s.outcome === null || !latest.has(s.type)) latest.set(s.type, s);
  }
  const rows = [...latest.values()];
  const out: Condition[] = [];
  for (const s of rows) {
    const ms = budget.get(s.type);
    if (ms === undefined) continue;
    const slow =
      s.outcome === null || s.outcome === "slow" || (s.outcome === "passed" && (s.completedMs ?? 0) > ms);
    if (s.outcome !== "failed" && !slow) continue;
    out.push({
      rule: "synthetic_check",
      workflowType: s.type,
      scope: "",
      summary:
        s.outcome === "failed"
          ? `the synthetic check failed: ${s.error ?? "no detail"}`
          : `the synthetic check took longer than its budget of ${minutes(ms)}`,
      affectedCount: s.operationId ? 1 : 0,
      oldestAt: asDate(s.startedAt),
      sample: s.operationId ? [s.operationId] : [],
    });
  }
  return out;
}
