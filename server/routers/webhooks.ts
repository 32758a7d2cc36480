import { auditActorOf } from "@/server/audit/write";
import type { ContextInner } from "@/server/trpc/context";
import { domainError } from "@/server/trpc/domain-error";
import { adminProcedure, router } from "@/server/trpc/init";
import {
  ZDeliveriesRequestSchema,
  ZDeliveriesResponseSchema,
  ZListEndpointsResponseSchema,
  ZRedeliverRequestSchema,
  ZRedeliverResponseSchema,
  ZRegisterEndpointRequestSchema,
  ZRegisterEndpointResponseSchema,
  ZSetEndpointEnabledRequestSchema,
  ZSetEndpointEnabledResponseSchema,
} from "./webhooks.types";

const changedBy = (ctx: ContextInner) => ({ actor: auditActorOf(ctx.principal), request: ctx.request });

/** Outbound webhooks: admins only (an endpoint receives every matching event and holds a secret). */
export const webhooksRouter = router({
  list: adminProcedure
    .output(ZListEndpointsResponseSchema)
    .query(async ({ ctx }) => ({ endpoints: await ctx.services.presenters.webhookEndpoints.call() })),

  deliveries: adminProcedure
    .input(ZDeliveriesRequestSchema)
    .output(ZDeliveriesResponseSchema)
    .query(({ ctx, input }) => ctx.services.presenters.webhookDeliveries.call(input)),

  register: adminProcedure
    .input(ZRegisterEndpointRequestSchema)
    .output(ZRegisterEndpointResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.services.webhooks.register(input, changedBy(ctx));
      if (result.type === "invalid")
        throw domainError("invalid_input", result.message, [
          { pointer: `/${result.field}`, detail: result.message },
        ]);
      return { endpointId: result.endpointId, secret: result.secret };
    }),

  setEnabled: adminProcedure
    .input(ZSetEndpointEnabledRequestSchema)
    .output(ZSetEndpointEnabledResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.services.webhooks.setEnabled(input, changedBy(ctx));
      switch (result.type) {
        case "changed":
          return { enabled: input.enabled };
        case "unchanged":
          throw domainError("already_done", input.enabled ? "Already enabled." : "Already disabled.");
        case "not_found":
          throw domainError("not_found", "No such webhook endpoint.");
        case "invalid":
          throw domainError("invalid_input", result.message, [
            { pointer: "/reason", detail: result.message },
          ]);
      }
    }),

  redeliver: adminProcedure
    .input(ZRedeliverRequestSchema)
    .output(ZRedeliverResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.services.webhooks.redeliver(input, changedBy(ctx));
      switch (result.type) {
        case "redelivered":
          return { deliveryId: result.deliveryId, parked: result.parked };
        case "pending":
          throw domainError(
            "invalid_state",
            "This delivery is still pending: it will be tried without asking.",
          );
        case "not_found":
          throw domainError("not_found", "No such delivery.");
        case "invalid":
          throw domainError("invalid_input", result.message, [
            { pointer: "/reason", detail: result.message },
          ]);
      }
    }),
});
