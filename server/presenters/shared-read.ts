import { LRUCache } from "lru-cache";

const ONE = "value";

/**
 * One read shared by every caller within `ttlMs` (lru-cache: concurrent callers share the
 * read in flight, a failed read is not kept): when a change reaches fifty open dashboards at
 * once, the database answers once, not fifty times. A caller that knows a change was seen
 * at `freshAfter` (the `clock`'s time) never gets a read started before it.
 */
export class SharedRead<T extends object> {
  private readonly cache: LRUCache<typeof ONE, { startedAt: number; value: T }>;

  constructor(
    load: () => Promise<T>,
    ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.cache = new LRUCache({
      max: 1,
      ttl: ttlMs,
      perf: { now: clock },
      fetchMethod: async (): Promise<{ startedAt: number; value: T }> => {
        const startedAt = this.clock();
        return { startedAt, value: await load() };
      },
    });
  }

  async call(freshAfter = Number.NEGATIVE_INFINITY): Promise<T> {
    let read = await this.cache.fetch(ONE);
    // A read started before the change may still be in flight or kept: start one after it.
    while (read && read.startedAt < freshAfter) read = await this.cache.fetch(ONE, { forceRefresh: true });
    if (!read) throw new Error("The shared read was aborted.");
    return read.value;
  }
}
