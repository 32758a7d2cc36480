import type { Sql } from "postgres";
import type { AlertRuleName, AlertState } from "@/server/domain/alerts";
import type { BlockKind, OperationStatus } from "@/server/domain/statuses";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";
import { asDate, asDateOrNull } from "@/server/presenters/rows";

/** One alert as lists and the detail show it. */
export interface AlertRow {
  id: string;
  rule: AlertRuleName;
  workflowType: string;
  scope: string;
  state: AlertState;
  summary: string;
  affectedCount: number;
  oldestAt: Date | null;
  firedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  /** Only while the silence lasts. */
  silencedUntil: Date | null;
  resolvedAt: Date | null;
  /** The operations it names, as a search (and, when it fits, a bulk action) filter. */
  affectedFilter: AffectedFilter;
}

/** The columns of an AlertRow (a postgres.js fragment), for presenters reading `alerts`. */
export function alertRowColumns(sql: Sql) {
  return sql`a.id, a.rule, a.workflow_type as "workflowType", a.scope, a.state, a.summary,
    a.affected_count as "affectedCount", a.oldest_at as "oldestAt", a.fired_at as "firedAt",
    a.acknowledged_at as "acknowledgedAt", a.acknowledged_by as "acknowledgedBy",
    case when a.silenced_until > now() then a.silenced_until end as "silencedUntil",
    a.resolved_at as "resolvedAt"`;
}

/**
 * Which operations an alert is about, as a search the console can run (operations list) or
 * hand to the bulk flow: null type means every type (no_workers is about the fleet).
 */
export interface AffectedFilter {
  workflowType: string | null;
  statuses: OperationStatus[];
  blockedKind: BlockKind | null;
  synthetic: boolean;
}

export function affectedFilter(rule: AlertRuleName, workflowType: string, scope: string): AffectedFilter {
  const type = workflowType === "*" ? null : workflowType;
  const base = { workflowType: type, blockedKind: null, synthetic: false };
  switch (rule) {
    case "stuck":
    case "no_workers":
      return { ...base, statuses: [...RUNNABLE_STATUSES] };
    case "retries_exhausted":
      return { ...base, statuses: ["blocked"], blockedKind: "retries_exhausted" };
    case "blocked_backlog":
      return { ...base, statuses: ["blocked"], blockedKind: (scope || null) as BlockKind | null };
    case "failure_rate":
      return { ...base, statuses: ["failed"] };
    case "completion_lag":
      return { ...base, statuses: ["completed"] };
    case "synthetic_check":
      return { ...base, statuses: [], synthetic: true };
    case "webhook_failing":
      // About an endpoint (the scope), not operations: nothing to list.
      return { ...base, statuses: [] };
  }
}

/** The raw row as the driver answers it (timestamps as text), made an AlertRow. */
export function toAlertRow<R extends Omit<AlertRow, "affectedFilter">>(
  r: R,
): R & Pick<AlertRow, "affectedFilter"> {
  return {
    ...r,
    affectedFilter: affectedFilter(r.rule, r.workflowType, r.scope),
    oldestAt: asDateOrNull(r.oldestAt),
    firedAt: asDate(r.firedAt),
    acknowledgedAt: asDateOrNull(r.acknowledgedAt),
    silencedUntil: asDateOrNull(r.silencedUntil),
    resolvedAt: asDateOrNull(r.resolvedAt),
  };
}
