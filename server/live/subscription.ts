import { type FeedCursor, type FeedEvent, type FeedSnapshot, seenAt, snapshotOf, toLiveEvent } from "./feed";
import type { LiveBatch, LiveFilter } from "./hub";

/** Most events one subscriber keeps while it is not consuming; beyond, it is told to resync. */
const PENDING_LIMIT = 2_000;

/**
 * One subscriber's queue of batches, merged while it is not consuming. Once told where its
 * reader stands (`skipSeenAt`), it drops every event that reader already has, including
 * those offered before: an event at or below the reader's cursor is never sent.
 */
export class Subscription implements AsyncIterable<LiveBatch> {
  private pending: { cursor: FeedCursor; events: FeedEvent[]; resync: boolean } | null = null;
  private waiter: ((batch: LiveBatch | null) => void) | null = null;
  private closed = false;
  private floor: FeedSnapshot | null = null;

  constructor(
    readonly filter: LiveFilter,
    private readonly onClose: () => void,
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
    const waiter = this.waiter;
    if (!waiter || !this.pending) return;
    this.waiter = null;
    waiter(this.take());
  }

  private take(): LiveBatch {
    const { cursor, events, resync } = this.pending!;
    this.pending = null;
    return {
      cursor,
      events: this.filter.countOnly ? [] : events.map(toLiveEvent),
      count: events.length,
      resync,
    };
  }

  /** The next batch, or null once closed. */
  next(): Promise<LiveBatch | null> {
    if (this.pending) return Promise.resolve(this.take());
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
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
