import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import { ALERT_HISTORY_KINDS, ALERT_RULES, ALERT_STATES } from "@/server/domain/alerts";
import { BLOCK_KINDS, OPERATION_STATUSES } from "@/server/domain/statuses";
import { ZCursor, ZInputDate } from "./console.types";

const ZReason = z.string().max(MAX_REASON_LENGTH + 100);
const ZAlertId = z.uuid();

/** The Alerts page's filters, as the URL carries them. */
export const ZListAlertsRequestSchema = z
  .strictObject({
    state: z.enum(ALERT_STATES).nullish(),
    rule: z.enum(ALERT_RULES).nullish(),
    type: z.string().min(1).max(100).nullish(),
  })
  .default({});

const ZAffectedFilter = z.object({
  workflowType: z.string().nullable(),
  statuses: z.array(z.enum(OPERATION_STATUSES)),
  blockedKind: z.enum(BLOCK_KINDS).nullable(),
  synthetic: z.boolean(),
});

const ZAlertRow = z.object({
  id: z.string(),
  rule: z.enum(ALERT_RULES),
  workflowType: z.string(),
  scope: z.string(),
  state: z.enum(ALERT_STATES),
  summary: z.string(),
  affectedCount: z.number().int(),
  oldestAt: z.date().nullable(),
  firedAt: z.date(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedBy: z.string().nullable(),
  silencedUntil: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  affectedFilter: ZAffectedFilter,
});

export const ZListAlertsResponseSchema = z.object({
  cursor: ZCursor,
  firing: z.number().int(),
  acknowledged: z.number().int(),
  silenced: z.number().int(),
  open: z.array(ZAlertRow),
  resolved: z.array(ZAlertRow),
});

export const ZGetAlertRequestSchema = z.strictObject({ alertId: ZAlertId });
export const ZGetAlertResponseSchema = ZAlertRow.extend({
  cursor: ZCursor,
  acknowledgeNote: z.string().nullable(),
  silencedBy: z.string().nullable(),
  silenceReason: z.string().nullable(),
  history: z.array(
    z.object({
      id: z.number().int(),
      kind: z.enum(ALERT_HISTORY_KINDS),
      actor: z.string(),
      note: z.string().nullable(),
      at: z.date(),
    }),
  ),
  affected: z.object({
    count: z.number().int(),
    oldestAt: z.date().nullable(),
    oldest: z.array(
      z.object({
        id: z.string(),
        reference: z.string().nullable(),
        status: z.enum(OPERATION_STATUSES),
        updatedAt: z.date(),
      }),
    ),
  }),
  workflowTitle: z.string().nullable(),
  runbook: z.string().nullable(),
});

export const ZAcknowledgeAlertRequestSchema = z.strictObject({ alertId: ZAlertId, reason: ZReason });
/** A silence lasts until `until`: the core refuses a past one or one beyond 30 days. */
export const ZSilenceAlertRequestSchema = z.strictObject({
  alertId: ZAlertId,
  reason: ZReason,
  until: ZInputDate,
});
export const ZAlertCommandResponseSchema = z.object({ ok: z.literal(true) });

const ZRule = z.enum(ALERT_RULES);
const ZWorkflowType = z.string().min(1).max(100);
/** The column's range; the bounds per rule are the core's (`THRESHOLD_LIMITS`), refused with a message naming them. */
const ZFigure = z.number().min(0).max(2_147_483_647);
export const ZSetAlertRuleOverrideRequestSchema = z.strictObject({
  rule: ZRule,
  workflowType: ZWorkflowType,
  /** null: the rule is off for this type. */
  threshold: ZFigure.nullable(),
  windowMs: ZFigure.nullish(),
  reason: ZReason,
});
export const ZClearAlertRuleOverrideRequestSchema = z.strictObject({
  rule: ZRule,
  workflowType: ZWorkflowType,
  reason: ZReason,
});

const ZLimits = z.object({ min: z.number(), max: z.number() });
export const ZAlertRulesResponseSchema = z.object({
  types: z.array(
    z.object({
      workflowType: z.string(),
      title: z.string(),
      rules: z.array(
        z.object({
          rule: ZRule,
          unit: z.enum(["ms", "count", "percent"]),
          limits: ZLimits,
          windowed: z.boolean(),
          defaultThreshold: z.number(),
          defaultWindowMs: z.number(),
          threshold: z.number().nullable(),
          windowMs: z.number(),
          source: z.enum(["default", "override"]),
          override: z.object({ reason: z.string(), updatedBy: z.string(), updatedAt: z.date() }).nullable(),
        }),
      ),
    }),
  ),
  windowLimits: ZLimits,
});
