import {
  type BulkChangeResult,
  BulkPresenter,
  changeBulk,
  confirmBulk,
  dryRunBulk,
  kickBulk,
} from "@/server/actions/bulk";
import { logger } from "@/server/logger";
import type { ContextInner } from "@/server/trpc/context";
import { domainError } from "@/server/trpc/domain-error";
import { operatorProcedure, protectedProcedure, router } from "@/server/trpc/init";
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

function kick(ctx: ContextInner, bulkActionId: string) {
  kickBulk({ db: ctx.services.db, dispatcher: ctx.services.runs }, bulkActionId, (error) =>
    logger.error({ err: error, bulkActionId }, "bulk action runner failed"),
  );
}

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

/** Bulk actions on a search result: operators start and steer them; staff may watch. */
export const bulkRouter = router({
  dryRun: operatorProcedure
    .input(ZDryRunBulkRequestSchema)
    .output(ZDryRunBulkResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await dryRunBulk({
        db: ctx.services.db,
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

  confirm: operatorProcedure
    .input(ZConfirmBulkRequestSchema)
    .output(ZBulkStatusResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = toStatus(
        await confirmBulk({ db: ctx.services.db, ...input, principal: ctx.principal, request: ctx.request }),
      );
      kick(ctx, input.bulkActionId);
      return result;
    }),

  change: operatorProcedure
    .input(ZChangeBulkRequestSchema)
    .output(ZBulkStatusResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = toStatus(
        await changeBulk({ db: ctx.services.db, ...input, principal: ctx.principal, request: ctx.request }),
      );
      if (result.status === "running") kick(ctx, input.bulkActionId);
      return result;
    }),

  get: protectedProcedure
    .input(ZGetBulkRequestSchema)
    .output(ZGetBulkResponseSchema)
    .query(async ({ ctx, input }) => {
      const view = await new BulkPresenter(ctx.services.db).get(input.bulkActionId);
      if (!view) throw domainError("not_found", "No such bulk action.");
      // A running bulk action whose runner died (a restart) is picked up by whoever watches it.
      if (view.status === "running") kick(ctx, view.id);
      return view;
    }),

  list: protectedProcedure
    .output(ZListBulkResponseSchema)
    .query(async ({ ctx }) => ({ items: await new BulkPresenter(ctx.services.db).recent() })),
});
