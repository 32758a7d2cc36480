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
