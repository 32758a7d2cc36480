import type { Sql } from "postgres";
import { EVENTS_CHANNEL } from "@/server/domain/events";
import {
  currentCursor,
  type FeedCursor,
  type FeedEvent,
  type FeedSnapshot,
  type LiveEvent,
  readChanges,
  seenAt,
  snapshotOf,
  toLiveEvent,
} from "./feed";
import { StreamLimiter, type StreamLimits, streamLimitsFromEnv } from "./stream-limiter";

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

export interface LiveHubOptions {
  sql: Sql;
  /** Backstop read when no notification came (a dropped LISTEN connection). */
  pollMs?: number;
  /** Most events one read returns before subscribers are told to resync. */
  readLimit?: number;
  log?: (line: string) => void;
  /** How many streams the process holds open per owner; from the environment by default. */
  limits?: StreamLimits;
}

/**
 * One per process: a single LISTEN connection and a single cursor over the change feed,
 * fanned out in memory to every subscriber of this process (SSE streams). A notification
 * (or the backstop poll) triggers one read; reads never overlap, and a notification that
 * arrives during a read causes exactly one more. Subscribers only ever see events read
 * after they subscribed; `subscribe` callers bridge the gap from their own cursor with
 * `readChanges` (see `watch`).
 */
export class LiveHub {
  private cursor: FeedCursor | null = null;
  private starting: Promise<void> | null = null;
  private readonly subscribers = new Set<Subscription>();
  private reading = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;
  /** performance.now() of the last read that found events: reads started before it are stale. */
  lastChangeAt = Number.NEGATIVE_INFINITY;
  /** The slots of this process's streams (see watchServices). */
  readonly streams: StreamLimiter;

  constructor(private readonly options: LiveHubOptions) {
    this.streams = new StreamLimiter(options.limits ?? streamLimitsFromEnv());
  }

  /** Resolves once the hub listens and has a cursor: events committed after this are delivered. */
  ready(): Promise<void> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  /** A live stream of batches for `filter`, ended by `signal`. */
  subscribe(filter: LiveFilter, signal?: AbortSignal): Subscription {
    const subscription = new Subscription(filter, () => this.subscribers.delete(subscription));
    this.subscribers.add(subscription);
    signal?.addEventListener("abort", () => subscription.close(), { once: true });
    if (signal?.aborted) subscription.close();
    return subscription;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const s of this.subscribers) s.close();
    await this.unlisten?.().catch(() => {});
  }

  private async start(): Promise<void> {
    const { sql } = this.options;
    // Listen first, then take the cursor: a commit after the cursor always notifies us.
    const listener = await sql.listen(
      EVENTS_CHANNEL,
      () => this.poke(),
      // Called again after postgres.js re-establishes a dropped connection: catch up at once.
      () => {
        if (this.cursor) this.poke();
      },
    );
    this.unlisten = listener.unlisten;
    this.cursor = await currentCursor(sql);
    this.timer = setInterval(() => this.poke(), this.options.pollMs ?? 2_000);
    this.timer.unref();
  }

  /** Something may have been committed: read now, or right after the read in progress. */
  poke(): void {
    if (this.stopped || !this.cursor) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        if (this.subscribers.size === 0) {
          // Nobody listens: just move the cursor (cheap), so a later subscriber starts from now.
          this.cursor = await currentCursor(this.options.sql);
          continue;
        }
        const read = await readChanges(this.options.sql, {
          since: this.cursor!,
          limit: this.options.readLimit,
        });
        this.cursor = read.cursor;
        if (read.events.length === 0 && !read.overflow) continue;
        this.lastChangeAt = performance.now();
        // Grouped once per read, so each subscriber of one operation looks up its own events.
        const byOperation = groupByOperation(read.events);
        for (const s of this.subscribers) {
          const id = s.filter.operationId;
          s.offer(read.cursor, id ? (byOperation.get(id) ?? []) : read.events, read.overflow);
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.options.log?.(`live feed read failed: ${(error as Error).message}`);
    } finally {
      this.reading = false;
    }
  }
}

function groupByOperation(events: FeedEvent[]): Map<string, FeedEvent[]> {
  const groups = new Map<string, FeedEvent[]>();
  for (const e of events) {
    const group = groups.get(e.operationId);
    if (group) group.push(e);
    else groups.set(e.operationId, [e]);
  }
  return groups;
}

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
