import type { AlertRuleName } from "@/server/domain/alerts";

/** A rule that holds now for one workflow type (and scope): what an open alert says and names. */
export interface Condition {
  rule: AlertRuleName;
  workflowType: string;
  scope: string;
  summary: string;
  affectedCount: number;
  oldestAt: Date | null;
  /** The oldest affected operations, at most SAMPLE. */
  sample: string[];
}

/** A threshold or a duration in an alert's summary: "10 min", "30 s". */
export const minutes = (ms: number) =>
  ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
