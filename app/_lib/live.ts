"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "./trpc";

/** `paused`: the server refused the stream (too many live pages open); the page polls instead. */
export type LiveStatus = "connecting" | "live" | "reconnecting" | "paused" | "off";

/** While live updates are paused the page refreshes this often… */
export const PAUSED_POLL_MS = 15_000;
/** …and tries to go live again after this long (another tab may have closed meanwhile). */
const PAUSED_RETRY_MS = 120_000;

interface SubscriptionLike {
  status: string;
  error: unknown;
  reset: () => void;
}

/** The server's refusal of a stream over its limits (server/trpc/live-streams.ts). */
function isRefused(error: unknown): boolean {
  return (error as { data?: { code?: string } } | null)?.data?.code === "TOO_MANY_REQUESTS";
}

/**
 * Degrades a refused live stream gracefully: calls `poll` every PAUSED_POLL_MS while the
 * server refuses it, and retries the stream after PAUSED_RETRY_MS. True while paused.
 */
export function useLiveFallback(sub: SubscriptionLike, poll: () => void): boolean {
  const paused = sub.status === "error" && isRefused(sub.error);
  const latest = useRef({ poll, reset: sub.reset });
  latest.current = { poll, reset: sub.reset };
  useEffect(() => {
    if (!paused) return;
    const poller = setInterval(() => latest.current.poll(), PAUSED_POLL_MS);
    const retry = setTimeout(() => latest.current.reset(), PAUSED_RETRY_MS);
    return () => {
      clearInterval(poller);
      clearTimeout(retry);
    };
  }, [paused]);
  return paused;
}

/**
 * Calls `fn` at most once per `ms`, and always once more after the last call in a burst,
 * so a storm of changes costs a few refetches while the last change is never lost.
 */
function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const state = useRef<{ last: number; timer: ReturnType<typeof setTimeout> | null }>({
    last: 0,
    timer: null,
  });
  useEffect(() => () => clearTimeout(state.current.timer ?? undefined), []);
  return useRef(() => {
    const s = state.current;
    const wait = s.last + ms - Date.now();
    if (wait <= 0 && !s.timer) {
      s.last = Date.now();
      latest.current();
    } else if (!s.timer) {
      s.timer = setTimeout(
        () => {
          s.timer = null;
          s.last = Date.now();
          latest.current();
        },
        Math.max(wait, 0),
      );
    }
  }).current;
}

function statusOf(status: string, hadData: boolean, paused: boolean): LiveStatus {
  if (paused) return "paused";
  if (status === "pending") return "live";
  if (status === "connecting") return hadData ? "reconnecting" : "connecting";
  if (status === "error") return "reconnecting";
  return "off";
}

/**
 * Refreshes a page when anything changes. `cursor` is the feed position of the page's
 * first read: the subscription starts from there, so nothing committed in between is lost.
 */
export function useLiveChanges(
  cursor: string | undefined,
  onChange: () => void,
  throttleMs = 250,
): LiveStatus {
  const trpc = useTRPC();
  const [since] = useState(cursor);
  const [hadData, setHadData] = useState(false);
  const fire = useThrottled(onChange, throttleMs);
  const sub = useSubscription(
    trpc.live.changes.subscriptionOptions(
      { lastEventId: since ?? null },
      {
        enabled: since !== undefined,
        onData: () => {
          setHadData(true);
          fire();
        },
      },
    ),
  );
  const paused = useLiveFallback(sub, fire);
  return statusOf(sub.status, hadData, paused);
}

export interface LiveEventInfo {
  id: number;
  type: string;
  step: string | null;
  at: Date;
  /** When the browser received it. */
  receivedAt: number;
}

/** Follows one operation; `onEvents` gets each batch of its new timeline events. */
export function useLiveOperation(
  id: string,
  cursor: string | undefined,
  onEvents: (events: LiveEventInfo[]) => void,
): LiveStatus {
  const trpc = useTRPC();
  const [since] = useState(cursor);
  const [hadData, setHadData] = useState(false);
  const latest = useRef(onEvents);
  latest.current = onEvents;
  const sub = useSubscription(
    trpc.live.operation.subscriptionOptions(
      { id, lastEventId: since ?? null },
      {
        enabled: since !== undefined,
        onData: (message) => {
          setHadData(true);
          const receivedAt = Date.now();
          latest.current(message.data.events.map((e) => ({ ...e, receivedAt })));
        },
      },
    ),
  );
  // Polling while paused: an empty batch makes the page refetch its state.
  const paused = useLiveFallback(sub, () => latest.current([]));
  return statusOf(sub.status, hadData, paused);
}
