import { alertRuleOverrides } from "@/db/schema";
import type { Queryable } from "@/db/transaction";
import type { AlertRuleName } from "@/server/domain/alerts";
import { formatDuration } from "@/server/domain/duration";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";

/** The workflow type `no_workers` is kept under: it is about the fleet, not one type. */
export const ALL_TYPES = "*";

/**
 * One rule as evaluated for one workflow type. `threshold` means, per rule:
 * stuck — ms without a new event; retries_exhausted — how many operations (1: at once);
 * completion_lag — p95 ms over `windowMs`; blocked_backlog — ms blocked (or more than
 * BLOCKED_BACKLOG_COUNT); failure_rate — percent of finished over `windowMs`;
 * no_workers — ms since a live worker was last seen; synthetic_check — the run's budget ms;
 * webhook_failing — failed deliveries in a row to one endpoint (kept per endpoint as the scope).
 */
export interface AlertRule {
  rule: AlertRuleName;
  workflowType: string;
  threshold: number;
  windowMs: number;
  /** Where the figure comes from: the workflow definition, or an admin's override. */
  source: "default" | "override";
}

export const DEFAULT_WINDOW_MS = 15 * 60_000;
export const BLOCKED_BACKLOG_AGE_MS = 60 * 60_000;
export const BLOCKED_BACKLOG_COUNT = 100;
export const FAILURE_RATE_PERCENT = 20;
/** Fewer finished operations than this in the window say nothing about a rate or a p95. */
export const MIN_SAMPLE = 5;
export const NO_WORKERS_MS = 30_000;
export const SYNTHETIC_BUDGET_MS = 10_000;
/** Failed attempts in a row before an endpoint's alert fires (the deliverer disables it later, at its own limit). */
export const WEBHOOK_FAILING_COUNT = 5;

/** The longest duration a threshold may hold: 21 days, under the 32-bit `integer` column's 2^31 − 1 ms. */
const MAX_THRESHOLD_MS = 21 * 86_400_000;

/** Thresholds an admin may set, by rule: bad input is refused before it reaches the table. */
export const THRESHOLD_LIMITS: Record<AlertRuleName, { min: number; max: number }> = {
  stuck: { min: 1_000, max: MAX_THRESHOLD_MS },
  retries_exhausted: { min: 1, max: 1_000_000 },
  completion_lag: { min: 1, max: MAX_THRESHOLD_MS },
  blocked_backlog: { min: 1_000, max: MAX_THRESHOLD_MS },
  failure_rate: { min: 1, max: 100 },
  no_workers: { min: 5_000, max: 86_400_000 },
  synthetic_check: { min: 100, max: 3_600_000 },
  webhook_failing: { min: 1, max: 1_000 },
};

/** What a rule's threshold counts, so the console can say it with its unit. */
export const THRESHOLD_UNITS: Record<AlertRuleName, "ms" | "count" | "percent"> = {
  stuck: "ms",
  retries_exhausted: "count",
  completion_lag: "ms",
  blocked_backlog: "ms",
  failure_rate: "percent",
  no_workers: "ms",
  synthetic_check: "ms",
  webhook_failing: "count",
};

/** The rules measured over a sliding window (`windowMs`); the others ignore it. */
export const WINDOWED_RULES: readonly AlertRuleName[] = ["completion_lag", "failure_rate"];
/** The window an admin may set: long enough to hold a sample, short enough to stay one query. */
export const WINDOW_LIMITS = { min: 60_000, max: 7 * 86_400_000 };

/** Every rule of every registered type with the figures its workflow definition gives (no overrides). */
export function defaultAlertRules(registry: WorkflowRegistry): AlertRule[] {
  const defaults: AlertRule[] = [];
  const add = (rule: AlertRuleName, workflowType: string, threshold: number, windowMs = DEFAULT_WINDOW_MS) =>
    defaults.push({ rule, workflowType, threshold, windowMs, source: "default" });
  for (const w of registry.list()) {
    add("stuck", w.type, w.stuckAfterMs);
    add("retries_exhausted", w.type, 1);
    add("completion_lag", w.type, w.objective.p95Ms);
    add("blocked_backlog", w.type, BLOCKED_BACKLOG_AGE_MS);
    add("failure_rate", w.type, FAILURE_RATE_PERCENT);
    add("synthetic_check", w.type, SYNTHETIC_BUDGET_MS);
  }
  add("no_workers", ALL_TYPES, NO_WORKERS_MS);
  add("webhook_failing", ALL_TYPES, WEBHOOK_FAILING_COUNT);
  return defaults;
}

/** The rules of every registered type with their defaults, then the admins' overrides on top (off = dropped). */
export async function alertRules(db: Queryable, registry: WorkflowRegistry): Promise<AlertRule[]> {
  const defaults = defaultAlertRules(registry);
  const overrides = await db.select().from(alertRuleOverrides);
  const byKey = new Map(overrides.map((o) => [`${o.rule}/${o.workflowType}`, o]));
  const rules: AlertRule[] = [];
  for (const d of defaults) {
    const o = byKey.get(`${d.rule}/${d.workflowType}`);
    if (!o) rules.push(d);
    else if (o.threshold !== null)
      rules.push({ ...d, threshold: o.threshold, windowMs: o.windowMs ?? d.windowMs, source: "override" });
  }
  return rules;
}

/** A threshold in words with its unit: "15 min", "20%", "5". */
export function formatThreshold(rule: AlertRuleName, value: number): string {
  switch (THRESHOLD_UNITS[rule]) {
    case "ms":
      return formatDuration(value);
    case "percent":
      return `${value}%`;
    case "count":
      return String(value);
  }
}
