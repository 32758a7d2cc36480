import { consoleFor } from "@/server/console";
import { liveHubFor } from "@/server/live";
import { protectedProcedure, router } from "@/server/trpc/init";
import { ZGetDashboardResponseSchema } from "./dashboard.types";

export const dashboardRouter = router({
  get: protectedProcedure
    .output(ZGetDashboardResponseSchema)
    .query(({ ctx }) => consoleFor(ctx.services).dashboard.get(liveHubFor(ctx.services.db).lastChangeAt)),
});
