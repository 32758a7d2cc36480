import { TRPCError } from "@trpc/server";
import { actorOf, maySeeType, visibleTypes } from "@/server/auth/principal";
import { toOperationResource } from "@/server/operations/resource";
import { waitForCompletion } from "@/server/operations/wait-for-completion";
import { domainError } from "@/server/trpc/domain-error";
import { router, scopedProcedure } from "@/server/trpc/init";
import {
  ZGetOperationRequestSchema,
  ZGetOperationResponseSchema,
  ZListOperationsRequestSchema,
  ZListOperationsResponseSchema,
  ZStartOperationInputSchema,
  ZStartOperationResponseSchema,
} from "./operations.types";

export const operationsRouter = router({
  // Starting work is an action: operators and admins, or a key with operations:write.
  start: scopedProcedure("operations:write", "operator")
    .input(ZStartOperationInputSchema)
    .output(ZStartOperationResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      const { services } = ctx;
      if (!maySeeType(ctx.principal, request.type)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `This key may not start operations of type "${request.type}".`,
        });
      }
      const result = await services.startOperation.call({
        request,
        caller: actorOf(ctx.principal),
        idempotencyKey,
      });
      switch (result.type) {
        case "unknown_workflow":
          throw domainError("unknown_workflow", `There is no workflow of type "${result.workflowType}".`);
        case "invalid_input":
          throw domainError(
            "invalid_input",
            "The input does not match the workflow's schema.",
            result.issues,
          );
        case "idempotency_conflict":
          throw domainError(
            "idempotency_conflict",
            "This idempotency key was already used for another request.",
          );
        case "workflow_paused":
          throw domainError(
            "workflow_paused",
            `Operations of type "${result.workflowType}" are paused by an operator; try again later.`,
          );
        case "created":
        case "replayed": {
          const completion = result.workflow.completion;
          const op =
            completion.mode === "sync" && result.type === "created"
              ? await waitForCompletion({
                  presenter: services.presenter,
                  id: result.operationId,
                  budgetMs: completion.budgetMs,
                })
              : await services.presenter.get(result.operationId);
          return toOperationResource(op!, services.registry);
        }
      }
    }),

  get: scopedProcedure("operations:read", "support")
    .input(ZGetOperationRequestSchema)
    .output(ZGetOperationResponseSchema)
    .query(async ({ ctx, input }) => {
      const op = await ctx.services.presenter.get(input.id);
      if (!op || !maySeeType(ctx.principal, op.type)) throw domainError("not_found", "No such operation.");
      return toOperationResource(op, ctx.services.registry);
    }),

  list: scopedProcedure("operations:read", "support")
    .input(ZListOperationsRequestSchema)
    .output(ZListOperationsResponseSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.services.presenter.list({ ...input, types: visibleTypes(ctx.principal) });
      return {
        items: page.items.map((op) => toOperationResource(op, ctx.services.registry)),
        next: page.next,
      };
    }),
});
