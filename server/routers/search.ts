import { consoleFor } from "@/server/console";
import { protectedProcedure, router } from "@/server/trpc";
import { domainError } from "./domain-error";
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
    .query(({ ctx, input }) => consoleFor(ctx.services).search.call(input)),

  operation: protectedProcedure
    .input(ZGetOperationDetailRequestSchema)
    .output(ZGetOperationDetailResponseSchema)
    .query(async ({ ctx, input }) => {
      const detail = await consoleFor(ctx.services).detail.call(input.id);
      if (!detail) throw domainError("not_found", "No such operation.");
      return detail;
    }),
});
