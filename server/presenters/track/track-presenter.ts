import type { Db } from "@/db/client";
import { verifyTrackToken } from "@/server/auth/track-token";
import type { BlockKind, OperationStatus, StepStatus } from "@/server/domain/statuses";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import { asDate, asDateOrNull } from "@/server/presenters/rows";
import { SharedRead } from "@/server/presenters/shared-read";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { EtaPresenter } from "./eta";
import { deriveTrackView, type TrackView } from "./track-view";

/**
 * One operation's read is shared by its track pages of the moment: when a change reaches N
 * open pages of one operation and each refetches, the database answers once (issue 15 hole 9).
 * Never older than the last change the live feed saw; otherwise at most this old.
 */
const OPERATION_SHARE_MS = 1_000;
/** Operations whose read is kept at once (each entry is one small row). */
const OPERATION_KEYS = 10_000;

interface TrackedOperation {
  type: string;
  version: number;
  status: OperationStatus;
  blockedKind: BlockKind | null;
  waiting: boolean;
  currentStep: string | null;
  createdAt: string;
  completedAt: string | null;
  steps: { name: string; status: StepStatus; finishedAt: string | null }[];
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
  /** Recent step timings per workflow type, shared by the track pages of the moment. */
  private readonly eta: EtaPresenter;
  /** Per operation id, shared by the track pages of the moment. */
  private readonly operations: SharedRead<OperationRead, string>;

  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.eta = new EtaPresenter(db, now);
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
    const durations = await this.eta.call({ type: op.type });
    const view = deriveTrackView(
      workflow,
      {
        ...op,
        steps: op.steps.map((s) => ({ ...s, finishedAt: asDateOrNull(s.finishedAt) })),
        createdAt: asDate(op.createdAt),
        completedAt: asDateOrNull(op.completedAt),
      },
      durations,
      this.now(),
    );
    return { type: "ok", operationId: granted.operationId, view, cursor };
  }

  /** The feed position, then the operation's state as of at least that position. */
  private async readOperation(operationId: string): Promise<OperationRead> {
    const sql = this.db.$client;
    const cursor = await currentCursor(sql);
    const [op] = await sql<TrackedOperation[]>`
      select o.type, o.version, o.status, o.blocked_kind as "blockedKind", o.current_step as "currentStep",
        o.created_at as "createdAt", o.completed_at as "completedAt",
        exists(select 1 from waits w where w.operation_id = o.id and w.state = 'waiting') as waiting,
        coalesce((select json_agg(json_build_object('name', s.name, 'status', s.status,
            'finishedAt', s.finished_at) order by s.position)
          from steps s where s.operation_id = o.id), '[]'::json) as steps
      from operations o where o.id = ${operationId}::uuid`;
    return { cursor, op };
  }
}
