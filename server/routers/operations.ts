import { TRPCError } from "@trpc/server";
import { maySeeType, visibleTypes } from "@/server/domain/principal";
import { toOperationResource } from "@/server/operations/resource";
import { domainError } from "@/server/trpc/domain-error";
import { router, scopedProcedure } from "@/server/trpc/init";
import { intakeProcedure } from "@/server/trpc/rate-limited";
import {
  ZGetOperationRequestSchema,
  ZGetOperationResponseSchema,
  ZListOperationsRequestSchema,
  ZListOperationsResponseSchema,
  ZStartOperationInputSchema,
  ZStartOperationResponseSchema,
} from "./operations.types";

export const operationsRouter = router({
  // Starting work is an action: operators and admins, or a key with operations:write (rate-limited per caller).
  start: intakeProcedure
    .input(ZStartOperationInputSchema)
    .output(ZStartOperationResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      const result = await ctx.services.startOperation.call({
        request,
        principal: ctx.principal,
        idempotencyKey,
        traceparent: ctx.traceparent,
      });
      switch (result.type) {
        case "forbidden_type":
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `This key may not start operations of type "${result.workflowType}".`,
          });
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
        case "replayed":
          return toOperationResource(result.operation, ctx.services.registry);
      }
    }),

  get: scopedProcedure("operations:read", "support")
    .input(ZGetOperationRequestSchema)
    .output(ZGetOperationResponseSchema)
    .query(async ({ ctx, input }) => {
      const op = await ctx.services.presenters.operation.call(input.id);
      if (!op || !maySeeType(ctx.principal, op.type)) throw domainError("not_found", "No such operation.");
      return toOperationResource(op, ctx.services.registry);
    }),

  list: scopedProcedure("operations:read", "support")
    .input(ZListOperationsRequestSchema)
    .output(ZListOperationsResponseSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.services.presenters.operations.call({
        ...input,
        types: visibleTypes(ctx.principal),
      });
      return {
        items: page.items.map((op) => toOperationResource(op, ctx.services.registry)),
        next: page.next,
      };
    }),
});
