import Link from "next/link";
import type { AlertRuleName, AlertState } from "@/server/domain/alerts";
import type { AffectedFilter, AlertRow } from "@/server/presenters/alerts/alert-row";
import { Time } from "../_components/time";

/** Each rule in the operator's words. */
export const ALERT_RULE_LABELS: Record<AlertRuleName, string> = {
  stuck: "Stuck work",
  retries_exhausted: "Retries exhausted",
  completion_lag: "Completion lag",
  blocked_backlog: "Blocked backlog",
  failure_rate: "Failure rate",
  no_workers: "No workers",
  synthetic_check: "Synthetic check",
  webhook_failing: "Webhook endpoint failing",
};

const STATE_STYLES: Record<AlertState, string> = {
  firing: "bg-status-failed/15 text-status-failed-ink ring-status-failed/40",
  acknowledged: "bg-status-blocked/20 text-status-blocked-ink ring-status-blocked/50",
  resolved: "bg-status-completed/15 text-status-completed-ink ring-status-completed/40",
};

export function AlertStateBadge({ state, silenced }: { state: AlertState; silenced?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span
        className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLES[state]}`}
      >
        {state}
      </span>
      {silenced && (
        <span className="rounded-full px-2 py-0.5 text-xs text-zinc-600 ring-1 ring-inset ring-zinc-300 dark:text-zinc-400 dark:ring-zinc-700">
          silenced
        </span>
      )}
    </span>
  );
}

/** What an alert row needs to be shown in a list (the list page and the dashboard panel). */
export type AlertListRow = Pick<
  AlertRow,
  | "id"
  | "rule"
  | "workflowType"
  | "scope"
  | "state"
  | "summary"
  | "affectedCount"
  | "firedAt"
  | "silencedUntil"
  | "resolvedAt"
  | "affectedFilter"
>;

export const alertTypeLabel = (type: string) => (type === "*" ? "all types" : type);

/** An alert's scope in words: a block kind, or for webhook_failing the endpoint (its id, short). */
export const alertScopeLabel = (rule: AlertRuleName, scope: string) =>
  rule === "webhook_failing" ? `endpoint ${scope.slice(0, 8)}` : scope.replaceAll("_", " ");

/** One alert in a list: the rule and type as the link, what holds, since when. */
export function AlertListItem({ alert }: { alert: AlertListRow }) {
  const bulk = alert.resolvedAt ? null : bulkHref(alert.affectedFilter);
  return (
    <li className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 px-4 py-2.5 text-sm">
      <div className="min-w-0 flex-1">
        <Link
          href={`/alerts/${alert.id}`}
          className="font-medium text-sky-700 hover:underline dark:text-sky-400"
        >
          {ALERT_RULE_LABELS[alert.rule]}
          {alert.scope ? ` (${alertScopeLabel(alert.rule, alert.scope)})` : ""} ·{" "}
          {alertTypeLabel(alert.workflowType)}
        </Link>
        <div className="text-xs text-zinc-600 dark:text-zinc-400">{alert.summary}</div>
        {bulk && alert.affectedCount > 0 && (
          // The shortest way from an alert to acting on it: straight into the bulk flow, filtered.
          <Link href={bulk} className="text-xs font-medium text-sky-700 hover:underline dark:text-sky-400">
            {actLabel(alert.affectedFilter, alert.affectedCount)}
          </Link>
        )}
      </div>
      <div className="flex shrink-0 flex-col items-end gap-0.5 text-xs text-zinc-500 dark:text-zinc-400">
        <AlertStateBadge state={alert.state} silenced={alert.silencedUntil !== null} />
        <span>
          {alert.resolvedAt ? (
            <>
              resolved <Time value={alert.resolvedAt} />
            </>
          ) : (
            <>
              fired <Time value={alert.firedAt} />
            </>
          )}
        </span>
      </div>
    </li>
  );
}

/** The operations list (search) and the bulk flow, filtered to what an alert names. */
export function searchHref(f: AffectedFilter): string {
  const q = new URLSearchParams();
  if (f.workflowType) q.set("type", f.workflowType);
  for (const s of f.statuses) q.append("status", s);
  if (f.synthetic) q.set("traffic", "synthetic");
  return `/operations?${q}`;
}

/** Null when the bulk flow cannot take the filter (it needs one type; nothing to act on when finished). */
export function bulkHref(f: AffectedFilter): string | null {
  const actionable = f.statuses.filter((s) => s === "blocked" || s === "failed" || s === "processing");
  if (!f.workflowType || actionable.length === 0 || f.synthetic) return null;
  const q = new URLSearchParams({ type: f.workflowType });
  for (const s of actionable) q.append("status", s);
  if (f.blockedKind) q.set("kind", f.blockedKind);
  if (actionable.includes("blocked")) q.set("action", "resume");
  return `/bulk?${q}`;
}

/** "Resume these 12" for blocked work (the bulk flow preselects resume), "Act on these 12" otherwise. */
export function actLabel(f: AffectedFilter, count: number): string {
  const n = count >= 1000 ? "1,000+" : String(count);
  return f.statuses.length === 1 && f.statuses[0] === "blocked" ? `Resume these ${n}` : `Act on these ${n}`;
}
