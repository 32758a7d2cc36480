import type { Sql } from "postgres";
import { ALERTS_CHANNEL } from "@/server/domain/alerts";
import { EVENTS_CHANNEL } from "@/server/domain/events";
import { currentCursor, type FeedCursor, type FeedEvent, readChanges } from "./feed";
import { StreamLimiter, type StreamLimits, streamLimitsFromEnv } from "./stream-limiter";
import { type LiveBatch, type LiveFilter, Subscription } from "./subscription";

export { type LiveBatch, type LiveFilter, Subscription };

export interface LiveHubOptions {
  sql: Sql;
  /** Backstop read when no notification came (a dropped LISTEN connection). */
  pollMs?: number;
  /**
   * Least time between two reads' starts (THROUGHLINE_LIVE_TICK_MS, 20 ms): a quiet feed is
   * read at once on a notification, a busy one at most this often — at most 50 feed reads a
   * second whatever the commit rate, each shared by every stream. Small, because it adds to
   * the push latency of back-to-back events (`npm run bench`, waits: p50 3.6 ms without a
   * tick, 50 ms with 50 ms, 250 ms with 250 ms); the costly fan-out, to count-only streams,
   * is paced by `countOnlyIntervalMs` instead.
   */
  tickMs?: number;
  /** Least time between two batches to a count-only subscriber (dashboards, lists): 1 s. */
  countOnlyIntervalMs?: number;
  /** Most events one read returns before subscribers are told to resync. */
  readLimit?: number;
  log?: (line: string) => void;
  /** How many streams the process holds open per owner; from the environment by default. */
  limits?: StreamLimits;
}

/**
 * One per process: a single LISTEN connection and a single cursor over the change feed,
 * fanned out in memory to every subscriber of this process (SSE streams). A notification
 * (or the backstop poll) triggers one read; reads never overlap, start at least `tickMs`
 * apart, and notifications that arrive meanwhile cause exactly one more. Subscribers only ever see events read
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
  /** The next read, when a poke came sooner than `tickMs` after the last one started. */
  private next: NodeJS.Timeout | undefined;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private readonly tickMs: number;
  /** Reads of the feed so far (cursor moves included): one per tick, whatever the subscribers. */
  reads = 0;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;
  /** performance.now() of the last read that found events: reads started before it are stale. */
  lastChangeAt = Number.NEGATIVE_INFINITY;
  /** The slots of this process's streams (see watchServices). */
  readonly streams: StreamLimiter;

  constructor(private readonly options: LiveHubOptions) {
    this.streams = new StreamLimiter(options.limits ?? streamLimitsFromEnv());
    const tick = Number(process.env.THROUGHLINE_LIVE_TICK_MS);
    this.tickMs = options.tickMs ?? (Number.isFinite(tick) && tick >= 0 ? tick : 20);
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
    const subscription = new Subscription(
      filter,
      () => this.subscribers.delete(subscription),
      filter.countOnly ? (this.options.countOnlyIntervalMs ?? 1_000) : 0,
    );
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
    clearTimeout(this.next);
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
    // Alerts are not feed events (the evaluator and acknowledge/silence notify on a channel
    // of their own): count-only pages (dashboards, lists, the navigation's count) refetch.
    const alerts = await sql.listen(ALERTS_CHANNEL, () => this.alertsChanged());
    this.unlisten = async () => {
      await listener.unlisten();
      await alerts.unlisten();
    };
    this.cursor = await currentCursor(sql);
    this.timer = setInterval(() => this.poke(), this.options.pollMs ?? 2_000);
    this.timer.unref();
  }

  /** An alert fired, resolved or was acknowledged or silenced: every count-only page refetches. */
  private alertsChanged(): void {
    if (this.stopped || !this.cursor) return;
    for (const s of this.subscribers) if (s.filter.countOnly) s.offer(this.cursor, [], true);
  }

  /** Something may have been committed: read now, or at the next tick. */
  poke(): void {
    if (this.stopped || !this.cursor) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.next) return; // the read already scheduled will see it
    const wait = this.lastReadAt + this.tickMs - performance.now();
    if (wait <= 0) {
      void this.read();
      return;
    }
    this.next = setTimeout(() => {
      this.next = undefined;
      void this.read();
    }, wait);
    this.next.unref();
  }

  private async read(): Promise<void> {
    this.reading = true;
    this.again = false;
    this.lastReadAt = performance.now();
    this.reads++;
    try {
      if (this.subscribers.size === 0) {
        // Nobody listens: just move the cursor (cheap), so a later subscriber starts from now.
        this.cursor = await currentCursor(this.options.sql);
        return;
      }
      const read = await readChanges(this.options.sql, {
        since: this.cursor!,
        limit: this.options.readLimit,
      });
      this.cursor = read.cursor;
      if (read.events.length === 0 && !read.overflow) return;
      this.lastChangeAt = performance.now();
      // Grouped once per read, so each subscriber of one operation looks up its own events.
      const byOperation = groupByOperation(read.events);
      for (const s of this.subscribers) {
        const id = s.filter.operationId;
        s.offer(read.cursor, id ? (byOperation.get(id) ?? []) : read.events, read.overflow);
      }
    } catch (error) {
      this.options.log?.(`live feed read failed: ${(error as Error).message}`);
    } finally {
      this.reading = false;
      // Notified during the read: exactly one more, at the next tick.
      if (this.again) {
        this.again = false;
        this.poke();
      }
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
