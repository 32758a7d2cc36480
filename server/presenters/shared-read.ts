import { LRUCache } from "lru-cache";

const ONE = "value";

/**
 * One read shared by every caller within `ttlMs` (lru-cache: concurrent callers share the
 * read in flight, a failed read is not kept): when a change reaches fifty open dashboards at
 * once, the database answers once, not fifty times. A caller that knows a change was seen
 * at `freshAfter` (the `clock`'s time) never gets a read started before it.
 *
 * Keyed reads (`call(freshAfter, key)`, up to `maxKeys` kept) share one read per key: every
 * track page of one operation refreshing after the same change costs one read of it.
 */
export class SharedRead<T extends object, K extends string = typeof ONE> {
  private readonly cache: LRUCache<K, { startedAt: number; value: T }>;

  constructor(
    load: (key: K) => Promise<T>,
    ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
    maxKeys = 1,
  ) {
    this.cache = new LRUCache({
      max: maxKeys,
      ttl: ttlMs,
      perf: { now: clock },
      fetchMethod: async (key): Promise<{ startedAt: number; value: T }> => {
        const startedAt = this.clock();
        return { startedAt, value: await load(key) };
      },
    });
  }

  async call(freshAfter = Number.NEGATIVE_INFINITY, key: K = ONE as K): Promise<T> {
    let read = await this.cache.fetch(key);
    // A read started before the change may still be in flight or kept: start one after it.
    while (read && read.startedAt < freshAfter) read = await this.cache.fetch(key, { forceRefresh: true });
    if (!read) throw new Error("The shared read was aborted.");
    return read.value;
  }
}
