/**
 * The alert vocabulary, one closed set each (database enums, API, UI, metrics).
 * A rule is evaluated per workflow type; `blocked_backlog` also per block kind.
 */
export const ALERT_RULES = [
  "stuck",
  "retries_exhausted",
  "completion_lag",
  "blocked_backlog",
  "failure_rate",
  "no_workers",
  "synthetic_check",
  "webhook_failing",
] as const;
export type AlertRuleName = (typeof ALERT_RULES)[number];

/** firing → acknowledged → resolved; resolved is set by the evaluator when the condition clears. */
export const ALERT_STATES = ["firing", "acknowledged", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** What the history of one alert records. */
export const ALERT_HISTORY_KINDS = ["fired", "acknowledged", "silenced", "resolved", "updated"] as const;
export type AlertHistoryKind = (typeof ALERT_HISTORY_KINDS)[number];

/** Outcomes of one synthetic check run. */
export const SYNTHETIC_OUTCOMES = ["passed", "slow", "failed"] as const;
export type SyntheticOutcome = (typeof SYNTHETIC_OUTCOMES)[number];

/** Announced when an alert fires, is acknowledged/silenced or resolves: open consoles refresh. */
export const ALERTS_CHANNEL = "throughline_alerts";
