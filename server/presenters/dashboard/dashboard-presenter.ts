import type { Db } from "@/db/client";
import type { OperationStatus } from "@/server/domain/statuses";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { type BlockedCauses, BlockedCausesPresenter } from "../inbox/blocked-causes-presenter";
import { InboxPresenter } from "./inbox-presenter";
import { LagPresenter } from "./lag-presenter";
import { LagSeriesPresenter } from "./lag-series-presenter";
import { type QueueDepth, QueueDepthPresenter } from "./queue-depth-presenter";
import { RetryExhaustedPresenter } from "./retry-exhausted-presenter";
import { StatusCountsPresenter } from "./status-counts-presenter";
import { type StuckItem, StuckPresenter } from "./stuck-presenter";
import { SystemPresenter, type SystemStatus } from "./system-presenter";
import { type ThroughputPoint, ThroughputPresenter } from "./throughput-presenter";
import { summarizeTypes, type TypeSummary, totalCounts } from "./type-summary";
import { type WaitingGroup, WaitsPresenter } from "./waits-presenter";
import { DAY, HOUR, MINUTE } from "./windows";

export interface Dashboard {
  /** Live feed position this read is at least as new as: the page subscribes from here. */
  cursor: FeedCursor;
  generatedAt: Date;
  types: TypeSummary[];
  totals: Record<OperationStatus, number>;
  /** Blocked work by cause, newest incident first. */
  inbox: BlockedCauses;
  /** `atLeast`: so many stuck operations that the count stopped (see StuckPresenter). */
  stuck: { count: number; atLeast: boolean; items: StuckItem[] };
  throughput: ThroughputPoint[];
  queue: QueueDepth | null;
  system: SystemStatus;
  /** Operations waiting on an outside system or a timer, per type and system (issue 12). */
  waits: WaitingGroup[];
}

export interface DashboardPresenterOptions {
  db: Db;
  registry: WorkflowRegistry;
  now?: () => Date;
}

/**
 * The operator's first screen: business progress (per type, the five statuses, stuck and
 * blocked work, completion lag) next to the transport (queue depth, jobs per minute), so
 * "jobs are moving" and "orders are completing" can be told apart. Each panel's query is a
 * presenter of its own in this folder; this one runs them at the same moment and joins them.
 * Every query is an index scan sized by in-flight work or by a time window, never by all
 * operations ever: finished counts are for the last 24 hours (operations_completed_idx),
 * in-flight ones are exact.
 */
export class DashboardPresenter {
  private readonly now: () => Date;
  private readonly counts: StatusCountsPresenter;
  private readonly lag: LagPresenter;
  private readonly lagSeries: LagSeriesPresenter;
  private readonly inbox: InboxPresenter;
  private readonly causes: BlockedCausesPresenter;
  private readonly stuck: StuckPresenter;
  private readonly exhausted: RetryExhaustedPresenter;
  private readonly throughput: ThroughputPresenter;
  private readonly queue: QueueDepthPresenter;
  private readonly system: SystemPresenter;
  private readonly waits: WaitsPresenter;

  constructor(private readonly options: DashboardPresenterOptions) {
    const { db, registry } = options;
    this.now = options.now ?? (() => new Date());
    this.counts = new StatusCountsPresenter(db);
    this.lag = new LagPresenter(db);
    this.lagSeries = new LagSeriesPresenter(db);
    this.inbox = new InboxPresenter(db);
    this.causes = new BlockedCausesPresenter(db);
    this.stuck = new StuckPresenter(db, registry);
    this.exhausted = new RetryExhaustedPresenter(db);
    this.throughput = new ThroughputPresenter(db);
    this.queue = new QueueDepthPresenter(db);
    this.system = new SystemPresenter(db);
    this.waits = new WaitsPresenter(db);
  }

  async call(): Promise<Dashboard> {
    const now = this.now();
    // Taken first: anything committed after it reaches the page through the live feed.
    const cursor = await currentCursor(this.options.db.$client);
    const at = { now };
    const [
      counts,
      lag,
      hourSeries,
      daySeries,
      inbox,
      causes,
      stuck,
      exhausted,
      throughput,
      queue,
      system,
      waits,
    ] = await Promise.all([
      this.counts.call(at),
      this.lag.call(at),
      this.lagSeries.call({ now, windowMs: HOUR, bucketMs: 2 * MINUTE }),
      this.lagSeries.call({ now, windowMs: DAY, bucketMs: HOUR }),
      this.inbox.call(),
      this.causes.call(),
      this.stuck.call(at),
      this.exhausted.call(at),
      this.throughput.call(at),
      this.queue.call(at),
      this.system.call(),
      this.waits.call(),
    ]);
    queue?.jobsPerMinute.forEach((n, i) => {
      if (throughput[i]) throughput[i].jobs = n;
    });
    const types = summarizeTypes(this.options.registry, {
      counts,
      lag,
      lagSeries: { hour: hourSeries, day: daySeries },
      stuck: stuck.counts,
      exhaustedBlocked: inbox.exhaustedByType,
      exhaustedFailed: exhausted,
    });
    return {
      cursor,
      generatedAt: now,
      types,
      totals: totalCounts(types),
      inbox: causes,
      stuck: {
        count: [...stuck.counts.values()].reduce((a, b) => a + b, 0),
        atLeast: stuck.capped,
        items: stuck.items,
      },
      throughput,
      queue,
      system,
      waits,
    };
  }
}
