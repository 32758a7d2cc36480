import { parseBlockCause } from "@/server/presenters/inbox/block-cause";
import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, router } from "@/server/trpc/init";
import { ZGetBlockedCauseRequestSchema, ZGetBlockedCauseResponseSchema } from "./inbox.types";

/** The operator inbox's groups: `cause` lists exactly one group's operations (or one block kind's). */
export const inboxRouter = router({
  cause: protectedProcedure
    .input(ZGetBlockedCauseRequestSchema)
    .output(ZGetBlockedCauseResponseSchema)
    .query(({ ctx, input }) => {
      const { type, cursor } = input;
      if (input.cause) {
        const cause = parseBlockCause(input.cause);
        if (!cause) throw domainError("invalid_input", "Not a cause of blocked work.");
        return ctx.services.presenters.blockedCause.call({ type, cursor, cause });
      }
      if (input.kind) return ctx.services.presenters.blockedCause.call({ type, cursor, kind: input.kind });
      throw domainError("invalid_input", "Name a cause or a block kind.");
    }),
});
