import { TRPCError } from "@trpc/server";
import type { StreamScope } from "@/server/live/stream-limiter";

/**
 * A live stream refused because its owner holds as many as the limits allow (issue 15 hole 9):
 * TOO_MANY_REQUESTS, which tRPC's subscription link does not retry, so a refused page falls
 * back to refreshing itself instead of reconnecting in a loop (app/_lib/live.ts).
 */
export function tooManyStreamsError(refusal: { scope: StreamScope; limit: number }): TRPCError {
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `Too many live pages are open (${refusal.limit} at most ${WHOSE[refusal.scope]}): live updates are paused, the page refreshes itself instead.`,
  });
}

const WHOSE: Record<StreamScope, string> = {
  perAddress: "from one address",
  perLink: "for one link",
  perStaff: "per person",
  total: "on this server",
};
