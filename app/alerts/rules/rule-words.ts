import type { AlertRuleName } from "@/server/domain/alerts";
import { formatDuration } from "../../_lib/format";
import type { RouterOutputs } from "../../_lib/router-types";

/** One rule of one type as the rules page shows it. */
export type RuleSetting = RouterOutputs["alerts"]["rules"]["types"][number]["rules"][number];

/** When each rule fires, "this" being its threshold: the sentence under the rule's name. */
export const RULE_MEANINGS: Record<AlertRuleName, string> = {
  stuck: "When an operation has had no new event for longer than this.",
  retries_exhausted: "When at least this many operations ran out of attempts.",
  completion_lag: "When p95 accepted → completed over the window is above this.",
  blocked_backlog: "When operations stay blocked longer than this (per block kind).",
  failure_rate: "When more than this share of finished operations failed over the window.",
  no_workers: "When work waits and no live worker was seen for this long.",
  synthetic_check: "When a synthetic run fails or takes longer than this.",
  webhook_failing: "When an endpoint failed this many deliveries in a row.",
};

export type ThresholdUnit = "ms" | "count" | "percent";

/** A threshold with its unit: "10 min", "20%", "5"; null is a rule turned off. */
export function thresholdText(unit: ThresholdUnit, value: number | null): string {
  if (value === null) return "off";
  if (unit === "ms") return formatDuration(value);
  if (unit === "percent") return `${value}%`;
  return String(value);
}

/** The units a duration is typed in, and the one a value reads best in. */
export const DURATION_UNITS = [
  { value: 1_000, label: "seconds" },
  { value: 60_000, label: "minutes" },
  { value: 3_600_000, label: "hours" },
] as const;

export function bestDurationUnit(ms: number): number {
  if (ms % 3_600_000 === 0) return 3_600_000;
  if (ms % 60_000 === 0) return 60_000;
  return 1_000;
}
