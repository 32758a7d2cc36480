import { z } from "zod";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { OverviewPresenter } from "@/server/system/overview-presenter";
import { protectedProcedure, router } from "@/server/trpc/init";

const ZSystemOverviewResponseSchema = z.object({
  postgresVersion: z.string(),
  migration: z.string(),
  migrationsApplied: z.number().int(),
  workersOnline: z.number().int(),
  countsByStatus: z.record(z.enum(OPERATION_STATUSES), z.number().int()),
});

export const systemRouter = router({
  overview: protectedProcedure
    .output(ZSystemOverviewResponseSchema)
    .query(({ ctx }) => new OverviewPresenter(ctx.services.db).call()),
});
