import { tracked } from "@trpc/server";
import { verifyTrackToken } from "@/server/auth/track-token";
import { watchServices } from "@/server/live/watch";
import { publicProcedure, router } from "@/server/trpc/init";
import { tooManyStreamsError } from "@/server/trpc/live-streams";
import { ZGetTrackRequestSchema, ZGetTrackResponseSchema, ZWatchTrackRequestSchema } from "./track.types";

/** How often a watching track page re-checks that its link has not expired meanwhile. */
const RECHECK_MS = 60_000;

/**
 * The end user's progress page. Public: the signed, expiring token is the only
 * authorisation, and it grants this one operation in product language — the query and
 * the live stream check it the same way, and the stream ends when the link expires.
 */
export const trackRouter = router({
  get: publicProcedure
    .input(ZGetTrackRequestSchema)
    .output(ZGetTrackResponseSchema)
    .query(async ({ ctx, input }) => {
      // Shared by the pages of one operation refreshing after the same change (one read).
      const result = await ctx.services.presenters.track.call(input.token, ctx.services.live.lastChangeAt);
      if (result.type !== "ok") return { type: result.type };
      return { type: "ok" as const, view: result.view, cursor: result.cursor };
    }),

  /** Tells the page to refetch; carries no event detail (types and step names are internal). */
  watch: publicProcedure.input(ZWatchTrackRequestSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const granted = verifyTrackToken(input.token);
    if (!granted.ok) return;
    // Anonymous: capped per client address and per link's operation.
    const watching = watchServices(
      ctx.services,
      { kind: "link", operationId: granted.operationId, address: ctx.request.clientAddress },
      { filter: { operationId: granted.operationId }, since: input.lastEventId, signal },
    );
    if (watching.type !== "watching") throw tooManyStreamsError(watching);
    let checkedAt = Date.now();
    for await (const batch of watching.stream) {
      if (Date.now() - checkedAt > RECHECK_MS) {
        if (!verifyTrackToken(input.token).ok) return;
        checkedAt = Date.now();
      }
      yield tracked(batch.cursor, { changed: true as const });
    }
  }),
});
