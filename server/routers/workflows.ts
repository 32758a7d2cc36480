import { ZWorkflowListResponseSchema } from "@/server/operations/schemas";
import { describeWorkflow } from "@/server/workflows/registry";
import { protectedProcedure, router } from "@/server/trpc";

export const workflowsRouter = router({
  list: protectedProcedure
    .output(ZWorkflowListResponseSchema)
    .query(({ ctx }) => ({ workflows: ctx.services.registry.list().map(describeWorkflow) })),
});
