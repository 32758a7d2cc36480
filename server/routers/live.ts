import { tracked } from "@trpc/server";
import { watchServices } from "@/server/live/watch";
import { protectedProcedure, router } from "@/server/trpc/init";
import { tooManyStreamsError } from "@/server/trpc/live-streams";
import { ZWatchChangesRequestSchema, ZWatchOperationRequestSchema } from "./live.types";

/**
 * Live updates over SSE, authorised like the queries they refresh (protectedProcedure).
 * Each message is `tracked` with the feed cursor, so a reconnecting client resumes from
 * where it was (tRPC sends it back as `lastEventId`) and misses nothing. A staff member's
 * streams are capped per person (server/live/stream-limiter.ts).
 */
export const liveRouter = router({
  /** Something changed somewhere: dashboards and lists refetch. */
  changes: protectedProcedure.input(ZWatchChangesRequestSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const watching = watchServices(
      ctx.services,
      { kind: "staff", userId: ctx.principal.userId },
      { filter: { countOnly: true }, since: input.lastEventId, signal },
    );
    if (watching.type !== "watching") throw tooManyStreamsError(watching);
    for await (const batch of watching.stream) {
      yield tracked(batch.cursor, { count: batch.count, resync: batch.resync });
    }
  }),

  /** One operation's new timeline events. */
  operation: protectedProcedure.input(ZWatchOperationRequestSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const watching = watchServices(
      ctx.services,
      { kind: "staff", userId: ctx.principal.userId },
      { filter: { operationId: input.id }, since: input.lastEventId, signal },
    );
    if (watching.type !== "watching") throw tooManyStreamsError(watching);
    for await (const batch of watching.stream) {
      yield tracked(batch.cursor, { events: batch.events, resync: batch.resync });
    }
  }),
});
