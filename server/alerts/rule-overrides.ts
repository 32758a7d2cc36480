import type { Db } from "@/db/client";
import { type Tx, transaction } from "@/db/transaction";
import { reasonProblem } from "@/server/actions/plans";
import { type AuditActor, appendAudit, type RequestMeta } from "@/server/audit/write";
import type { AlertRuleName } from "@/server/domain/alerts";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import {
  ALL_TYPES,
  type AlertRule,
  defaultAlertRules,
  formatThreshold,
  THRESHOLD_LIMITS,
  WINDOW_LIMITS,
  WINDOWED_RULES,
} from "./rules";

/** What an override command needs: the database and the registry the defaults come from. */
export interface RuleOverrideDeps {
  db: Db;
  registry: WorkflowRegistry;
}

interface Changed {
  actor: AuditActor;
  request: RequestMeta;
  reason: string;
  now?: Date;
}

export type RuleOverrideResult =
  | { type: "done" }
  /** Clearing a rule that already runs on its default: nothing was written. */
  | { type: "unchanged" }
  | {
      type: "invalid";
      field: "rule" | "workflowType" | "threshold" | "windowMs" | "reason";
      message: string;
    };

type Invalid = Extract<RuleOverrideResult, { type: "invalid" }>;
const invalid = (field: Invalid["field"], message: string): Invalid => ({ type: "invalid", field, message });

interface PreviousOverride {
  threshold: number | null;
  windowMs: number | null;
  reason: string;
  updatedBy: string;
}

/**
 * An admin's threshold for one (rule, workflow type) — `threshold: null` turns the rule off
 * for that type — replacing the workflow definition's default until cleared. Checked against
 * the rule's bounds first, so a refusal writes nothing; written with its audit record
 * (`alert_rule_changed`, the reason and the previous figures) in one transaction. The
 * evaluator reads it on its next tick (`alertRules`).
 */
export async function setAlertRuleOverride(
  deps: RuleOverrideDeps,
  o: Changed & {
    rule: AlertRuleName;
    workflowType: string;
    threshold: number | null;
    windowMs?: number | null;
  },
): Promise<RuleOverrideResult> {
  const found = ruleOf(deps.registry, o.rule, o.workflowType);
  if ("type" in found) return found;
  const problem = thresholdProblem(o.rule, o.threshold) ?? windowProblem(o.rule, o.windowMs ?? null);
  if (problem) return problem;
  const reason = reasonProblem(o.reason);
  if (reason) return invalid("reason", reason);
  const windowMs = o.windowMs ?? null;
  const now = o.now ?? new Date();
  await transaction(deps.db, async (tx) => {
    const previous = await lockedOverride(tx, o.rule, o.workflowType);
    await tx.sql`
      insert into alert_rule_overrides (rule, workflow_type, threshold, window_ms, reason, updated_by, updated_at)
      values (${o.rule}, ${o.workflowType}, ${o.threshold}, ${windowMs}, ${o.reason.trim()}, ${o.actor.label},
        ${now.toISOString()})
      on conflict (rule, workflow_type) do update set threshold = excluded.threshold,
        window_ms = excluded.window_ms, reason = excluded.reason, updated_by = excluded.updated_by,
        updated_at = excluded.updated_at`;
    await appendAudit(
      tx,
      {
        actor: o.actor,
        action: "alert_rule_changed",
        request: o.request,
        reason: o.reason.trim(),
        workflowType: auditType(o.workflowType),
        details: {
          rule: o.rule,
          workflowType: o.workflowType,
          threshold: o.threshold,
          windowMs,
          defaultThreshold: found.threshold,
          previous: previous && { threshold: previous.threshold, windowMs: previous.windowMs },
        },
      },
      now,
    );
  });
  return { type: "done" };
}

/** Back to the workflow definition's default, audited (`alert_rule_reset`) with the override it removed. */
export async function clearAlertRuleOverride(
  deps: RuleOverrideDeps,
  o: Changed & { rule: AlertRuleName; workflowType: string },
): Promise<RuleOverrideResult> {
  const found = ruleOf(deps.registry, o.rule, o.workflowType);
  if ("type" in found) return found;
  const reason = reasonProblem(o.reason);
  if (reason) return invalid("reason", reason);
  const now = o.now ?? new Date();
  return transaction(deps.db, async (tx) => {
    const previous = await lockedOverride(tx, o.rule, o.workflowType);
    if (!previous) return { type: "unchanged" } as const;
    await tx.sql`delete from alert_rule_overrides where rule = ${o.rule} and workflow_type = ${o.workflowType}`;
    await appendAudit(
      tx,
      {
        actor: o.actor,
        action: "alert_rule_reset",
        request: o.request,
        reason: o.reason.trim(),
        workflowType: auditType(o.workflowType),
        details: { rule: o.rule, workflowType: o.workflowType, defaultThreshold: found.threshold, previous },
      },
      now,
    );
    return { type: "done" } as const;
  });
}

/** The rule as its definition gives it; a type without that rule (or unknown) is refused. */
function ruleOf(registry: WorkflowRegistry, rule: AlertRuleName, workflowType: string): AlertRule | Invalid {
  const rules = defaultAlertRules(registry).filter((r) => r.rule === rule);
  const found = rules.find((r) => r.workflowType === workflowType);
  if (found) return found;
  if (rules.length === 1 && rules[0]!.workflowType === ALL_TYPES)
    return invalid("workflowType", `This rule watches the whole fleet: its workflow type is "${ALL_TYPES}".`);
  return invalid("workflowType", `No workflow type "${workflowType}" is registered.`);
}

function thresholdProblem(rule: AlertRuleName, threshold: number | null): Invalid | null {
  if (threshold === null) return null;
  const { min, max } = THRESHOLD_LIMITS[rule];
  if (Number.isInteger(threshold) && threshold >= min && threshold <= max) return null;
  return invalid(
    "threshold",
    `The threshold must be a whole number from ${formatThreshold(rule, min)} to ${formatThreshold(rule, max)}, or off.`,
  );
}

function windowProblem(rule: AlertRuleName, windowMs: number | null): Invalid | null {
  if (windowMs === null) return null;
  if (!WINDOWED_RULES.includes(rule)) return invalid("windowMs", "This rule has no window: leave it out.");
  if (Number.isInteger(windowMs) && windowMs >= WINDOW_LIMITS.min && windowMs <= WINDOW_LIMITS.max)
    return null;
  return invalid(
    "windowMs",
    `The window must be a whole number of milliseconds from ${formatThreshold("stuck", WINDOW_LIMITS.min)} to ${formatThreshold("stuck", WINDOW_LIMITS.max)}.`,
  );
}

async function lockedOverride(
  tx: Tx,
  rule: AlertRuleName,
  workflowType: string,
): Promise<PreviousOverride | null> {
  const [row] = await tx.sql<PreviousOverride[]>`
    select threshold, window_ms as "windowMs", reason, updated_by as "updatedBy" from alert_rule_overrides
    where rule = ${rule} and workflow_type = ${workflowType} for update`;
  return row ?? null;
}

/** The audit's workflow-type column names real types only; the fleet-wide rules keep theirs in details. */
const auditType = (workflowType: string) => (workflowType === ALL_TYPES ? null : workflowType);
