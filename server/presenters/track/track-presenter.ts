import { LRUCache } from "lru-cache";
import type { Db } from "@/db/client";
import { verifyTrackToken } from "@/server/auth/track-token";
import type { OperationStatus, StepStatus } from "@/server/domain/statuses";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import { asDate, asDateOrNull, asNumberOrNull } from "@/server/presenters/rows";
import { SharedRead } from "@/server/presenters/shared-read";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { type CompletionStats, deriveTrackView, type TrackView } from "./track-view";

/**
 * One operation's read is shared by its track pages of the moment: when a change reaches N
 * open pages of one operation and each refetches, the database answers once (issue 15 hole 9).
 * Never older than the last change the live feed saw; otherwise at most this old.
 */
const OPERATION_SHARE_MS = 1_000;
/** Operations whose read is kept at once (each entry is one small row). */
const OPERATION_KEYS = 10_000;
/** Recent completions per type change slowly; many track pages share one read. */
const STATS_TTL_MS = 30_000;
const STATS_WINDOW_MS = 24 * 3_600_000;
/** Workflow types kept at once: more than a deployment registers. */
const STATS_TYPES = 100;

interface TrackedOperation {
  type: string;
  version: number;
  status: OperationStatus;
  currentStep: string | null;
  createdAt: string;
  completedAt: string | null;
  steps: { name: string; status: StepStatus }[];
}

interface OperationRead {
  cursor: FeedCursor;
  op: TrackedOperation | undefined;
}

export type TrackResult =
  | { type: "ok"; operationId: string; view: TrackView; cursor: FeedCursor }
  | { type: "invalid" }
  | { type: "expired" };

/**
 * The end user's progress page, authorised by its link alone: a valid, unexpired token
 * grants reading this one operation in product language (see TrackView), nothing else.
 * A token for an operation that does not exist reads as invalid, like a forged one.
 */
export class TrackPresenter {
  /** Per workflow type, shared by the track pages of the moment (lru-cache). */
  private readonly stats: LRUCache<string, CompletionStats, Date>;
  /** Per operation id, shared by the track pages of the moment. */
  private readonly operations: SharedRead<OperationRead, string>;

  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stats = new LRUCache({
      max: STATS_TYPES,
      ttl: STATS_TTL_MS,
      perf: { now: () => this.now().getTime() },
      fetchMethod: (type, _stale, { context }) => this.readCompletionStats(type, context),
    });
    this.operations = new SharedRead(
      (id) => this.readOperation(id),
      OPERATION_SHARE_MS,
      undefined,
      OPERATION_KEYS,
    );
  }

  /**
   * `freshAfter`: when the live feed last saw a change (LiveHub.lastChangeAt), so a page
   * refreshing after a change never gets a read started before it.
   */
  async call(token: string, freshAfter?: number): Promise<TrackResult> {
    const granted = verifyTrackToken(token, this.now());
    if (!granted.ok) return { type: granted.reason };
    const { cursor, op } = await this.operations.call(freshAfter, granted.operationId);
    const workflow = op && this.registry.get(op.type, op.version);
    if (!op || !workflow) return { type: "invalid" };
    const now = this.now();
    const stats = await this.completionStats(op.type, now);
    const view = deriveTrackView(
      workflow,
      { ...op, createdAt: asDate(op.createdAt), completedAt: asDateOrNull(op.completedAt) },
      stats,
      now,
    );
    return { type: "ok", operationId: granted.operationId, view, cursor };
  }

  /** The feed position, then the operation's state as of at least that position. */
  private async readOperation(operationId: string): Promise<OperationRead> {
    const sql = this.db.$client;
    const cursor = await currentCursor(sql);
    const [op] = await sql<TrackedOperation[]>`
      select o.type, o.version, o.status, o.current_step as "currentStep", o.created_at as "createdAt",
        o.completed_at as "completedAt",
        coalesce((select json_agg(json_build_object('name', s.name, 'status', s.status) order by s.position)
          from steps s where s.operation_id = o.id), '[]'::json) as steps
      from operations o where o.id = ${operationId}::uuid`;
    return { cursor, op };
  }

  private async completionStats(type: string, now: Date): Promise<CompletionStats> {
    const stats = await this.stats.fetch(type, { context: now });
    if (!stats) throw new Error(`Completion stats of ${type} were aborted.`);
    return stats;
  }

  private async readCompletionStats(type: string, now: Date): Promise<CompletionStats> {
    const [r] = await this.db.$client<{ p50: string | null; p95: string | null; n: number }[]>`
      select percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at) * 1000) as p50,
        percentile_cont(0.95) within group (order by extract(epoch from completed_at - created_at) * 1000) as p95,
        count(*)::int as n
      from operations
      where completed_at >= ${new Date(now.getTime() - STATS_WINDOW_MS).toISOString()}::timestamptz
        and completed_at is not null and status = 'completed' and type = ${type}`;
    return { p50Ms: asNumberOrNull(r?.p50), p95Ms: asNumberOrNull(r?.p95), count: r?.n ?? 0 };
  }
}
