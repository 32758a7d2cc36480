import { type AlertCommandResult, acknowledgeAlert, silenceAlert } from "@/server/alerts/commands";
import { auditActorOf } from "@/server/audit/write";
import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import {
  ZAcknowledgeAlertRequestSchema,
  ZAlertCommandResponseSchema,
  ZGetAlertRequestSchema,
  ZGetAlertResponseSchema,
  ZListAlertsRequestSchema,
  ZListAlertsResponseSchema,
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

/**
 * Alerts: every staff member sees them (support answers customers about the same incident);
 * acknowledging and silencing are operator actions, audited with their reason.
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
});
