import { pauseWorkflow, resumeWorkflow } from "@/server/actions/pause-workflow";
import type { ActionResult } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import { hasRole } from "@/server/auth/roles";
import type { ContextInner } from "@/server/trpc/context";
import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import {
  ZActionResponseSchema,
  ZGetAvailableActionsRequestSchema,
  ZGetAvailableActionsResponseSchema,
  ZListPausesResponseSchema,
  ZOperationActionRequestSchema,
  ZPauseWorkflowRequestSchema,
  ZPauseWorkflowResponseSchema,
  ZResumeWorkflowRequestSchema,
  ZResumeWorkflowResponseSchema,
  ZSkipStepRequestSchema,
  ZStepActionRequestSchema,
} from "./actions.types";
import { bulkRouter } from "./bulk";

/** Runs one action and maps its typed outcome to the response or a domain error. */
async function act(
  ctx: ContextInner,
  input: { operationId: string; reason: string },
  request: ActionRequest,
) {
  const result = await ctx.services.actions.perform({
    operationId: input.operationId,
    request,
    reason: input.reason,
    principal: ctx.principal,
    requestMeta: ctx.request,
  });
  return toResponse(result);
}

function toResponse(result: ActionResult) {
  switch (result.type) {
    case "done":
      return {
        operationId: result.operationId,
        statusBefore: result.statusBefore,
        statusAfter: result.statusAfter,
        auditSeq: result.auditSeq,
      };
    case "already_done":
      throw domainError("already_done", result.message);
    case "refused":
      throw domainError("invalid_state", result.message);
    case "invalid_reason":
      throw domainError("invalid_input", result.message, [{ pointer: "/reason", detail: result.message }]);
    case "not_found":
      throw domainError("not_found", "No such operation.");
  }
}

/** Operator actions: operators and admins only, within their actions budget; every one needs a reason and is audited. */
export const actionsRouter = router({
  bulk: bulkRouter,

  /** Which actions the operation's state allows now, and whether the caller may take them. */
  available: protectedProcedure
    .input(ZGetAvailableActionsRequestSchema)
    .output(ZGetAvailableActionsResponseSchema)
    .query(async ({ ctx, input }) => {
      const actions = await ctx.services.presenters.availableActions.call(input.operationId);
      if (!actions) throw domainError("not_found", "No such operation.");
      return { canAct: hasRole(ctx.principal, "operator"), actions };
    }),

  retry: actionProcedure
    .input(ZOperationActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "retry" })),
  replay: actionProcedure
    .input(ZStepActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "replay", step: input.step })),
  resume: actionProcedure
    .input(ZOperationActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "resume" })),
  approve: actionProcedure
    .input(ZOperationActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "approve" })),
  reject: actionProcedure
    .input(ZOperationActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "reject" })),
  skip: actionProcedure
    .input(ZSkipStepRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) =>
      act(ctx, input, { action: "skip", step: input.step, output: input.output }),
    ),
  compensate: actionProcedure
    .input(ZOperationActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "compensate" })),
  cancel: actionProcedure
    .input(ZOperationActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "cancel" })),
  /** A scheduled step (its durable timer) runs now instead of at its time. */
  runNow: actionProcedure
    .input(ZStepActionRequestSchema)
    .output(ZActionResponseSchema)
    .mutation(({ ctx, input }) => act(ctx, input, { action: "run_now", step: input.step })),

  pauses: protectedProcedure
    .output(ZListPausesResponseSchema)
    .query(async ({ ctx }) => ({ pauses: await ctx.services.presenters.pauses.call() })),

  pauseWorkflow: actionProcedure
    .input(ZPauseWorkflowRequestSchema)
    .output(ZPauseWorkflowResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await pauseWorkflow(ctx.services, {
        ...input,
        principal: ctx.principal,
        request: ctx.request,
      });
      switch (result.type) {
        case "paused":
          return { intake: result.intake };
        case "already_done":
          throw domainError("already_done", result.message);
        case "unknown_workflow":
          throw domainError("not_found", `There is no workflow of type "${input.workflowType}".`);
        case "invalid_reason":
          throw domainError("invalid_input", result.message, [
            { pointer: "/reason", detail: result.message },
          ]);
      }
    }),

  resumeWorkflow: actionProcedure
    .input(ZResumeWorkflowRequestSchema)
    .output(ZResumeWorkflowResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await resumeWorkflow(ctx.services, {
        ...input,
        principal: ctx.principal,
        request: ctx.request,
      });
      switch (result.type) {
        case "resumed":
          return { operations: result.operations };
        case "already_done":
          throw domainError("already_done", result.message);
        case "invalid_reason":
          throw domainError("invalid_input", result.message, [
            { pointer: "/reason", detail: result.message },
          ]);
      }
    }),
});
