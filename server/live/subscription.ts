import {
  type FeedCursor,
  type FeedEvent,
  type FeedSnapshot,
  type LiveEvent,
  seenAt,
  snapshotOf,
  toLiveEvent,
} from "./feed";

/** What a subscriber receives: the events it asked for, since its previous batch. */
export interface LiveBatch {
  cursor: FeedCursor;
  /** The events themselves, unless the filter asked for counts only. */
  events: LiveEvent[];
  /** How many events the batch stands for. */
  count: number;
  /** Events may have been dropped (a burst beyond the read limit): refetch the state whole. */
  resync: boolean;
}

export interface LiveFilter {
  /** Only this operation's events; all events when absent. */
  operationId?: string;
  /** Count events without keeping them (a dashboard only needs to know that something changed). */
  countOnly?: boolean;
}

/** Most events one subscriber keeps while it is not consuming; beyond, it is told to resync. */
const PENDING_LIMIT = 2_000;

/**
 * One subscriber's queue of batches, merged while it is not consuming. Once told where its
 * reader stands (`skipSeenAt`), it drops every event that reader already has, including
 * those offered before: an event at or below the reader's cursor is never sent.
 *
 * With `minIntervalMs`, batches go out at most that often (merged meanwhile, the last one
 * never held back longer): every message costs the web process about 0.4 ms of CPU per
 * stream (tRPC's SSE encoding and Next's response stream; `npm run bench`, BENCH_ONLY=live),
 * and a count-only subscriber (a dashboard refetching "something changed") needs no more than
 * one a second.
 */
export class Subscription implements AsyncIterable<LiveBatch> {
  private pending: { cursor: FeedCursor; events: FeedEvent[]; resync: boolean } | null = null;
  private waiter: ((batch: LiveBatch | null) => void) | null = null;
  private closed = false;
  private floor: FeedSnapshot | null = null;
  private lastDeliveredAt = Number.NEGATIVE_INFINITY;
  /** The held-back delivery, while the interval since the last one runs. */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly filter: LiveFilter,
    private readonly onClose: () => void,
    private readonly minIntervalMs = 0,
  ) {}

  /** A read's events (already this subscriber's operation's, when it has one). */
  offer(cursor: FeedCursor, events: FeedEvent[], resync: boolean): void {
    if (this.closed) return;
    const id = this.filter.operationId;
    const fresh = events.filter((e) => (!id || e.operationId === id) && !this.seen(e));
    if (fresh.length === 0 && !resync) return;
    const merged = this.pending ? [...this.pending.events, ...fresh] : fresh;
    const overflow = merged.length > PENDING_LIMIT;
    this.pending = {
      cursor,
      events: overflow ? [] : merged,
      resync: overflow || resync || (this.pending?.resync ?? false),
    };
    this.deliver();
  }

  /** The reader has everything visible at `cursor`: never send it any of that again. */
  skipSeenAt(cursor: FeedCursor): void {
    this.floor = snapshotOf(cursor);
    if (!this.pending) return;
    const events = this.pending.events.filter((e) => !this.seen(e));
    this.pending = events.length > 0 || this.pending.resync ? { ...this.pending, events } : null;
  }

  private seen(e: FeedEvent): boolean {
    return this.floor !== null && seenAt(this.floor, e.xid);
  }

  private deliver(): void {
    if (!this.waiter || !this.pending || this.timer) return;
    const wait = this.lastDeliveredAt + this.minIntervalMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.deliver();
      }, wait);
      this.timer.unref();
      return;
    }
    const waiter = this.waiter;
    this.waiter = null;
    waiter(this.take());
  }

  private take(): LiveBatch {
    const { cursor, events, resync } = this.pending!;
    this.pending = null;
    this.lastDeliveredAt = performance.now();
    return {
      cursor,
      events: this.filter.countOnly ? [] : events.map(toLiveEvent),
      count: events.length,
      resync,
    };
  }

  /** The next batch, or null once closed. */
  next(): Promise<LiveBatch | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
    this.onClose();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(null);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LiveBatch> {
    try {
      for (;;) {
        const batch = await this.next();
        if (!batch) return;
        yield batch;
      }
    } finally {
      this.close();
    }
  }
}
