import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { currentCursor, parseCursor, readChanges, toLiveEvent } from "./feed";
import type { LiveBatch, LiveFilter, LiveHub } from "./hub";
import type { StreamOwner, StreamScope } from "./stream-limiter";

/** Most events a resuming subscriber is sent one by one; beyond that it refetches its state. */
const CATCH_UP_LIMIT = 2_000;

/**
 * A subscriber's stream: first what it missed since its cursor (a page's first read or the
 * last batch before a reconnect), then the hub's live batches. The hub subscription starts
 * before the catch-up read, and the hub's cursor is older than that read, so the two
 * overlap and never leave a gap. The overlap is removed by transaction visibility, not by
 * remembering ids: once the catch-up read has answered, the subscription drops every event
 * its snapshot already shows. That also holds when the hub lags behind the client (a page
 * whose cursor came from another process or from its own first read): an event at or below
 * the client's cursor is never sent.
 *
 * Without a usable cursor, and for count-only subscribers (whose catch-up could be every
 * event of the last hour), the first batch is a `resync`: the client refetches its state,
 * which is complete as of a snapshot taken after the subscription started.
 */
export async function* watch(options: {
  hub: LiveHub;
  sql: Sql;
  filter: LiveFilter;
  since?: string | null;
  signal?: AbortSignal;
}): AsyncGenerator<LiveBatch> {
  const { hub, sql, filter } = options;
  const subscription = hub.subscribe(filter, options.signal);
  try {
    await hub.ready();
    const since = parseCursor(options.since);
    if (since && !filter.countOnly) {
      const read = await readChanges(sql, { since, operationId: filter.operationId, limit: CATCH_UP_LIMIT });
      subscription.skipSeenAt(read.cursor);
      if (read.events.length > 0 || read.overflow) {
        const events = read.events.map(toLiveEvent);
        yield { cursor: read.cursor, events, count: events.length, resync: read.overflow };
      }
    } else {
      const cursor = await currentCursor(sql);
      subscription.skipSeenAt(cursor);
      yield { cursor, events: [], count: 0, resync: true };
    }
    yield* subscription;
  } finally {
    subscription.close();
  }
}

export type WatchResult =
  | { type: "watching"; stream: AsyncGenerator<LiveBatch> }
  | { type: "too_many_streams"; scope: StreamScope; limit: number };

/**
 * `watch` over a process's services (its hub and pool) for one owner: what each live
 * subscription streams. Refused when the owner already holds as many streams as the limits
 * allow (server/live/stream-limiter.ts). The slot is given back when the stream ends, or as
 * soon as its request is aborted (a closed tab, a dead client found by the keep-alive),
 * whichever comes first. The caller iterates the stream at once.
 */
export function watchServices(
  services: { live: LiveHub; db: Db },
  owner: StreamOwner,
  request: { filter: LiveFilter; since: string | null | undefined; signal?: AbortSignal },
): WatchResult {
  const slot = services.live.streams.acquire(owner);
  if (slot.type !== "opened") return slot;
  const { filter, since, signal } = request;
  signal?.addEventListener("abort", slot.release, { once: true });
  if (signal?.aborted) slot.release();
  const stream = watch({ hub: services.live, sql: services.db.$client, filter, since, signal });
  return { type: "watching", stream: releasing(stream, slot.release) };
}

async function* releasing(stream: AsyncGenerator<LiveBatch>, release: () => void): AsyncGenerator<LiveBatch> {
  try {
    yield* stream;
  } finally {
    release();
  }
}
