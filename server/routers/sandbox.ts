import { operatorProcedure, protectedProcedure, router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import {
  ZCancelShopOrderRequestSchema,
  ZListFaultsResponseSchema,
  ZResetFaultsResponseSchema,
  ZRestockRequestSchema,
  ZSandboxControlResponseSchema,
  ZSetFaultRequestSchema,
  ZSetFaultResponseSchema,
} from "./sandbox.types";

/** Fault injection for the sample providers, for demos and drills. */
export const sandboxRouter = router({
  faults: protectedProcedure
    .output(ZListFaultsResponseSchema)
    .query(async ({ ctx }) => ({ providers: await ctx.services.faults.list() })),

  // Changing faults changes how every operation runs: operators and admins only.
  setFault: operatorProcedure
    .input(ZSetFaultRequestSchema)
    .output(ZSetFaultResponseSchema)
    .mutation(({ ctx, input }) => ctx.services.faults.set(input)),

  // Controls the runbooks name: they change the simulated world, and the blocked operations
  // that re-check on that change are asked to check at once.
  restock: actionProcedure
    .input(ZRestockRequestSchema)
    .output(ZSandboxControlResponseSchema)
    .mutation(({ ctx, input }) => ctx.services.sandbox.restock(input)),

  cancelShopOrder: actionProcedure
    .input(ZCancelShopOrderRequestSchema)
    .output(ZSandboxControlResponseSchema)
    .mutation(({ ctx, input }) => ctx.services.sandbox.cancelShopOrder(input)),

  reset: operatorProcedure.output(ZResetFaultsResponseSchema).mutation(async ({ ctx }) => {
    await ctx.services.faults.reset();
    return { ok: true as const };
  }),
});
