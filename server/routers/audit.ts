import { verifyAuditChain } from "@/server/audit/verify";
import { adminProcedure, protectedProcedure, router } from "@/server/trpc/init";
import { ZListAuditRequestSchema, ZListAuditResponseSchema, ZVerifyAuditResponseSchema } from "./audit.types";

/** The audit history: every staff member may read it; checking the chain is for admins. */
export const auditRouter = router({
  list: protectedProcedure
    .input(ZListAuditRequestSchema)
    .output(ZListAuditResponseSchema)
    .query(({ ctx, input }) => ctx.services.presenters.audit.call(input)),

  verify: adminProcedure.output(ZVerifyAuditResponseSchema).query(async ({ ctx }) => {
    const startedAt = performance.now();
    const result = await verifyAuditChain({ db: ctx.services.db });
    const tookMs = Math.round(performance.now() - startedAt);
    if (result.ok) return { ok: true as const, checked: result.checked, head: result.head, tookMs };
    return {
      ok: false as const,
      checked: result.checked,
      message: result.message,
      brokenSeq: result.firstBroken.seq,
      problem: result.firstBroken.type,
      tookMs,
    };
  }),
});
