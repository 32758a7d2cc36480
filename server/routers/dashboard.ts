import { protectedProcedure, router } from "@/server/trpc/init";
import { ZGetDashboardResponseSchema } from "./dashboard.types";

export const dashboardRouter = router({
  get: protectedProcedure
    .output(ZGetDashboardResponseSchema)
    .query(({ ctx }) => ctx.services.presenters.dashboard.call(ctx.services.live.lastChangeAt)),
});
