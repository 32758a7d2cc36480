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

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * How the SSE streams are kept honest (initTRPC's `sse`): a ping every THROUGHLINE_LIVE_PING_MS
 * (15 s) keeps a quiet stream's connection alive through proxies and makes the server write
 * to it, so a dead client is found (the write fails, the request is aborted, its slot and
 * hub subscription are freed); the browser reconnects when it has heard nothing for three
 * pings (a half-open connection on its side). A stream also ends after
 * THROUGHLINE_LIVE_MAX_DURATION_MS (10 min) and the browser resumes it from its last cursor:
 * whatever TCP does, a vanished client holds a slot for at most that long, and a track link
 * is checked again on every reconnect.
 */
export function liveSseOptions(env: Record<string, string | undefined> = process.env) {
  const pingMs = positive(env.THROUGHLINE_LIVE_PING_MS) ?? 15_000;
  return {
    ping: { enabled: true, intervalMs: pingMs },
    client: { reconnectAfterInactivityMs: pingMs * 3 },
    maxDurationMs: positive(env.THROUGHLINE_LIVE_MAX_DURATION_MS) ?? 600_000,
  };
}
