import { tracked } from "@trpc/server";
import { watchServices } from "@/server/live/watch";
import { protectedProcedure, router } from "@/server/trpc/init";
import { ZWatchChangesRequestSchema, ZWatchOperationRequestSchema } from "./live.types";

/**
 * Live updates over SSE, authorised like the queries they refresh (protectedProcedure).
 * Each message is `tracked` with the feed cursor, so a reconnecting client resumes from
 * where it was (tRPC sends it back as `lastEventId`) and misses nothing.
 */
export const liveRouter = router({
  /** Something changed somewhere: dashboards and lists refetch. */
  changes: protectedProcedure.input(ZWatchChangesRequestSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    for await (const batch of watchServices(ctx.services, { countOnly: true }, input.lastEventId, signal)) {
      yield tracked(batch.cursor, { count: batch.count, resync: batch.resync });
    }
  }),

  /** One operation's new timeline events. */
  operation: protectedProcedure.input(ZWatchOperationRequestSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    for await (const batch of watchServices(
      ctx.services,
      { operationId: input.id },
      input.lastEventId,
      signal,
    )) {
      yield tracked(batch.cursor, { events: batch.events, resync: batch.resync });
    }
  }),
});
