import { operatorProcedure, protectedProcedure, router } from "@/server/trpc/init";
import {
  ZListFaultsResponseSchema,
  ZResetFaultsResponseSchema,
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

  reset: operatorProcedure.output(ZResetFaultsResponseSchema).mutation(async ({ ctx }) => {
    await ctx.services.faults.reset();
    return { ok: true as const };
  }),
});
