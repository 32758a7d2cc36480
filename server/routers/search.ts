import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, router } from "@/server/trpc/init";
import {
  ZGetOperationDetailRequestSchema,
  ZGetOperationDetailResponseSchema,
  ZSearchOperationsRequestSchema,
  ZSearchOperationsResponseSchema,
} from "./search.types";

/** Support's way in: find operations, then open one. */
export const searchRouter = router({
  operations: protectedProcedure
    .input(ZSearchOperationsRequestSchema)
    .output(ZSearchOperationsResponseSchema)
    .query(({ ctx, input }) => ctx.services.presenters.search.call(input)),

  operation: protectedProcedure
    .input(ZGetOperationDetailRequestSchema)
    .output(ZGetOperationDetailResponseSchema)
    .query(async ({ ctx, input }) => {
      const detail = await ctx.services.presenters.detail.call(input.id);
      if (!detail) throw domainError("not_found", "No such operation.");
      return detail;
    }),
});
