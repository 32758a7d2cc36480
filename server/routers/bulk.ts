import type { BulkChangeResult } from "@/server/bulk/bulk-action";
import { changeBulk } from "@/server/bulk/change";
import { confirmBulk } from "@/server/bulk/confirm";
import { dryRunBulk } from "@/server/bulk/dry-run";
import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import {
  ZBulkStatusResponseSchema,
  ZChangeBulkRequestSchema,
  ZConfirmBulkRequestSchema,
  ZDryRunBulkRequestSchema,
  ZDryRunBulkResponseSchema,
  ZGetBulkRequestSchema,
  ZGetBulkResponseSchema,
  ZListBulkResponseSchema,
} from "./bulk.types";

function toStatus(result: BulkChangeResult) {
  switch (result.type) {
    case "done":
      return { status: result.status };
    case "not_found":
      throw domainError("not_found", "No such bulk action.");
    case "already_done":
      throw domainError("already_done", result.message);
    case "refused":
      throw domainError("invalid_state", result.message);
  }
}

/**
 * Bulk actions on a search result: operators start and steer them; staff may watch. A
 * worker runs them (server/bulk/work.ts); `get` only reads their progress.
 */
export const bulkRouter = router({
  dryRun: actionProcedure
    .input(ZDryRunBulkRequestSchema)
    .output(ZDryRunBulkResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await dryRunBulk(ctx.services.bulk, {
        principal: ctx.principal,
        filter: input.filter,
        request: { action: input.action, step: input.step, output: input.output },
        reason: input.reason,
        canarySize: input.canarySize,
      });
      switch (result.type) {
        case "frozen":
          return { bulkActionId: result.bulkActionId, count: result.count, canarySize: result.canarySize };
        case "empty":
          throw domainError("invalid_state", "No operation matches this search.");
        case "too_many":
          throw domainError(
            "invalid_state",
            `More than ${result.cap} operations match; a bulk action touches at most ${result.cap}. Narrow the search.`,
          );
        case "invalid":
          throw domainError("invalid_input", result.message);
      }
    }),

  confirm: actionProcedure
    .input(ZConfirmBulkRequestSchema)
    .output(ZBulkStatusResponseSchema)
    .mutation(async ({ ctx, input }) =>
      toStatus(
        await confirmBulk(ctx.services.bulk, { ...input, principal: ctx.principal, request: ctx.request }),
      ),
    ),

  change: actionProcedure
    .input(ZChangeBulkRequestSchema)
    .output(ZBulkStatusResponseSchema)
    .mutation(async ({ ctx, input }) =>
      toStatus(
        await changeBulk(ctx.services.bulk, { ...input, principal: ctx.principal, request: ctx.request }),
      ),
    ),

  get: protectedProcedure
    .input(ZGetBulkRequestSchema)
    .output(ZGetBulkResponseSchema)
    .query(async ({ ctx, input }) => {
      const view = await ctx.services.presenters.bulk.call({ bulkActionId: input.bulkActionId });
      if (!view) throw domainError("not_found", "No such bulk action.");
      return view;
    }),

  list: protectedProcedure
    .output(ZListBulkResponseSchema)
    .query(async ({ ctx }) => ({ items: await ctx.services.presenters.bulkList.call() })),
});
