import { ZWorkflowListResponseSchema } from "@/server/operations/schemas";
import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, router, scopedProcedure } from "@/server/trpc/init";
import { describeWorkflow } from "@/server/workflows/kit/registry";
import {
  ZGetWorkflowStoryRequestSchema,
  ZGetWorkflowStoryResponseSchema,
  ZListWorkflowSummariesResponseSchema,
} from "./workflows.types";

export const workflowsRouter = router({
  list: scopedProcedure("operations:read", "support")
    .output(ZWorkflowListResponseSchema)
    .query(({ ctx }) => ({ workflows: ctx.services.registry.list().map(describeWorkflow) })),

  /** Each type with versions, in-flight work per version, success rate and lag (last 24 h). */
  summaries: protectedProcedure
    .output(ZListWorkflowSummariesResponseSchema)
    .query(async ({ ctx }) => ({ workflows: await ctx.services.presenters.workflows.call() })),

  /** One type's summary and the execution story of each registered version. */
  story: protectedProcedure
    .input(ZGetWorkflowStoryRequestSchema)
    .output(ZGetWorkflowStoryResponseSchema)
    .query(async ({ ctx, input }) => {
      const found = await ctx.services.presenters.workflowStory.call(input.type);
      if (!found) throw domainError("not_found", `There is no workflow of type "${input.type}".`);
      return found;
    }),
});
