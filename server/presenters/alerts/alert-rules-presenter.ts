import type { Db } from "@/db/client";
import { alertRuleOverrides } from "@/db/schema";
import {
  ALL_TYPES,
  defaultAlertRules,
  THRESHOLD_LIMITS,
  THRESHOLD_UNITS,
  WINDOW_LIMITS,
  WINDOWED_RULES,
} from "@/server/alerts/rules";
import type { AlertRuleName } from "@/server/domain/alerts";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";

export interface AlertRuleSetting {
  rule: AlertRuleName;
  unit: "ms" | "count" | "percent";
  /** The bounds an admin's threshold must keep (the command refuses others). */
  limits: { min: number; max: number };
  /** Whether the rule is measured over a window an admin may also set. */
  windowed: boolean;
  /** What the workflow definition gives. */
  defaultThreshold: number;
  defaultWindowMs: number;
  /** What the evaluator uses now: null when an admin turned the rule off for this type. */
  threshold: number | null;
  windowMs: number;
  source: "default" | "override";
  /** Who changed it, when and why; null while the default holds. */
  override: { reason: string; updatedBy: string; updatedAt: Date } | null;
}

export interface AlertRulesOfType {
  /** A registered type, or `*` for the fleet-wide rules. */
  workflowType: string;
  title: string;
  rules: AlertRuleSetting[];
}

export interface AlertRulesList {
  types: AlertRulesOfType[];
  windowLimits: { min: number; max: number };
}

/** Every alert rule per workflow type: its default, the override if any and who set it why (the rules page). */
export class AlertRulesPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call(): Promise<AlertRulesList> {
    const overrides = await this.db.select().from(alertRuleOverrides);
    const byKey = new Map(overrides.map((o) => [`${o.rule}/${o.workflowType}`, o]));
    const types = new Map<string, AlertRulesOfType>();
    for (const d of defaultAlertRules(this.registry)) {
      let group = types.get(d.workflowType);
      if (!group) {
        const title =
          d.workflowType === ALL_TYPES
            ? "All workflow types"
            : (this.registry.latest(d.workflowType)?.title ?? d.workflowType);
        group = { workflowType: d.workflowType, title, rules: [] };
        types.set(d.workflowType, group);
      }
      const o = byKey.get(`${d.rule}/${d.workflowType}`);
      group.rules.push({
        rule: d.rule,
        unit: THRESHOLD_UNITS[d.rule],
        limits: THRESHOLD_LIMITS[d.rule],
        windowed: WINDOWED_RULES.includes(d.rule),
        defaultThreshold: d.threshold,
        defaultWindowMs: d.windowMs,
        threshold: o ? o.threshold : d.threshold,
        windowMs: o?.windowMs ?? d.windowMs,
        source: o ? "override" : "default",
        override: o ? { reason: o.reason, updatedBy: o.updatedBy, updatedAt: o.updatedAt } : null,
      });
    }
    return { types: [...types.values()], windowLimits: WINDOW_LIMITS };
  }
}
