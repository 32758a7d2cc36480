import { type AlertCommandResult, acknowledgeAlert, silenceAlert } from "@/server/alerts/commands";
import {
  clearAlertRuleOverride,
  type RuleOverrideResult,
  setAlertRuleOverride,
} from "@/server/alerts/rule-overrides";
import { auditActorOf } from "@/server/audit/write";
import { domainError } from "@/server/trpc/domain-error";
import { adminProcedure, protectedProcedure, router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import {
  ZAcknowledgeAlertRequestSchema,
  ZAlertCommandResponseSchema,
  ZAlertRulesResponseSchema,
  ZClearAlertRuleOverrideRequestSchema,
  ZGetAlertRequestSchema,
  ZGetAlertResponseSchema,
  ZListAlertsRequestSchema,
  ZListAlertsResponseSchema,
  ZSetAlertRuleOverrideRequestSchema,
  ZSilenceAlertRequestSchema,
} from "./alerts.types";

function toResponse(result: AlertCommandResult) {
  switch (result.type) {
    case "done":
      return { ok: true as const };
    case "not_found":
      throw domainError("not_found", "No such alert.");
    case "resolved":
      throw domainError(
        "invalid_state",
        "This alert has resolved; there is nothing left to acknowledge or silence.",
      );
    case "invalid":
      throw domainError("invalid_input", result.message);
  }
}

function ruleResponse(result: RuleOverrideResult) {
  switch (result.type) {
    case "done":
      return { ok: true as const };
    case "unchanged":
      throw domainError("already_done", "This rule already uses its default: there is no override to reset.");
    case "invalid":
      throw domainError("invalid_input", result.message, [
        { pointer: `/${result.field}`, detail: result.message },
      ]);
  }
}

/**
 * Alerts: every staff member sees them (support answers customers about the same incident);
 * acknowledging and silencing are operator actions, audited with their reason. The rules'
 * thresholds per workflow type are read by all staff and overridden (or reset) by admins only.
 */
export const alertsRouter = router({
  list: protectedProcedure
    .input(ZListAlertsRequestSchema)
    .output(ZListAlertsResponseSchema)
    .query(({ ctx, input }) => ctx.services.presenters.alerts.call(input)),

  get: protectedProcedure
    .input(ZGetAlertRequestSchema)
    .output(ZGetAlertResponseSchema)
    .query(async ({ ctx, input }) => {
      const alert = await ctx.services.presenters.alert.call(input.alertId);
      if (!alert) throw domainError("not_found", "No such alert.");
      return alert;
    }),

  acknowledge: actionProcedure
    .input(ZAcknowledgeAlertRequestSchema)
    .output(ZAlertCommandResponseSchema)
    .mutation(async ({ ctx, input }) =>
      toResponse(
        await acknowledgeAlert(ctx.services.db, {
          alertId: input.alertId,
          reason: input.reason,
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        }),
      ),
    ),

  silence: actionProcedure
    .input(ZSilenceAlertRequestSchema)
    .output(ZAlertCommandResponseSchema)
    .mutation(async ({ ctx, input }) =>
      toResponse(
        await silenceAlert(ctx.services.db, {
          alertId: input.alertId,
          reason: input.reason,
          until: input.until,
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        }),
      ),
    ),

  rules: protectedProcedure
    .output(ZAlertRulesResponseSchema)
    .query(({ ctx }) => ctx.services.presenters.alertRules.call()),

  setRuleOverride: adminProcedure
    .input(ZSetAlertRuleOverrideRequestSchema)
    .output(ZAlertCommandResponseSchema)
    .mutation(async ({ ctx, input }) =>
      ruleResponse(
        await setAlertRuleOverride(ctx.services, {
          ...input,
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        }),
      ),
    ),

  clearRuleOverride: adminProcedure
    .input(ZClearAlertRuleOverrideRequestSchema)
    .output(ZAlertCommandResponseSchema)
    .mutation(async ({ ctx, input }) =>
      ruleResponse(
        await clearAlertRuleOverride(ctx.services, {
          ...input,
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        }),
      ),
    ),
});
