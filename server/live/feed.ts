import type { Sql } from "postgres";
import type { EventType } from "@/server/domain/events";

/**
 * The change feed: which timeline events became visible since a cursor.
 *
 * Event ids come from a sequence at insert time, not at commit time, so "every event with
 * `id > last`" is not a safe cursor: a slow transaction can commit id 10 after a fast one
 * committed id 11, and a reader that already moved past 11 would never see 10. Each event
 * row records its writing transaction (`events.xid`, migration 0002). The cursor is a
 * PostgreSQL snapshot (`pg_current_snapshot()`, text `xmin:xmax:xip,…`): a read returns
 * the events whose transaction was not visible in the previous snapshot — started at or
 * after its `xmax`, or listed as in progress in it — and that are visible now. Nothing
 * committed late is skipped, nothing aborted ever appears, and both arms of the condition
 * are lookups on `events_xid_idx`.
 */
export type FeedCursor = string & { readonly __feedCursor: unique symbol };

export interface LiveEvent {
  id: number;
  operationId: string;
  type: EventType;
  step: string | null;
  at: Date;
}

/** A feed event with the transaction that wrote it, which decides whether a cursor has it (`seenAt`). */
export interface FeedEvent extends LiveEvent {
  xid: bigint;
}

/** What a subscriber is sent: the event without its transaction id (an internal of the feed). */
export function toLiveEvent({ xid: _xid, ...event }: FeedEvent): LiveEvent {
  return event;
}

export interface FeedRead {
  /** The snapshot this read saw: the cursor of the next read. */
  cursor: FeedCursor;
  /** Newly visible events, in id order. */
  events: FeedEvent[];
  /** More than `limit` events: `events` is cut, the reader should refetch its state whole. */
  overflow: boolean;
}

const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;

/** A cursor given by a client (e.g. tRPC's lastEventId), or null when it is not one of ours. */
export function parseCursor(value: unknown): FeedCursor | null {
  return typeof value === "string" && value.length <= 16_384 && SNAPSHOT.test(value)
    ? (value as FeedCursor)
    : null;
}

/** The feed position right now: a read from it returns what commits from now on. */
export async function currentCursor(sql: Sql): Promise<FeedCursor> {
  const [row] = await sql<{ cursor: string }[]>`select pg_current_snapshot()::text as cursor`;
  return row!.cursor as FeedCursor;
}

/** A cursor taken apart once, for many `seenAt` checks. */
export interface FeedSnapshot {
  xmin: bigint;
  xmax: bigint;
  inProgress: ReadonlySet<bigint>;
}

export function snapshotOf(cursor: FeedCursor): FeedSnapshot {
  const [xmin = "0", xmax = "0", xip = ""] = cursor.split(":");
  return {
    xmin: BigInt(xmin),
    xmax: BigInt(xmax),
    inProgress: new Set(xip ? xip.split(",").map((x) => BigInt(x)) : []),
  };
}

/**
 * Whether a reader at `snapshot` already has the event its transaction `xid` wrote: the
 * transaction had committed when the snapshot was taken (below xmax and not in progress).
 * Events of aborted transactions never exist, so "finished" means "committed" here. This is
 * the exact complement of readChanges' condition: what a read from a cursor returns is
 * precisely what that cursor has not seen.
 */
export function seenAt(snapshot: FeedSnapshot, xid: bigint): boolean {
  if (xid < snapshot.xmin) return true;
  if (xid >= snapshot.xmax) return false;
  return !snapshot.inProgress.has(xid);
}

interface EventRow {
  id: string;
  xid: string;
  operationId: string;
  type: EventType;
  step: string | null;
  at: string;
}

/**
 * Events visible now that were not visible at `since`, optionally of one operation.
 * The snapshot and the rows come from one statement, so they agree exactly.
 *
 * The bounds are sent as values and the statement is not prepared: PostgreSQL then plans
 * it with the actual bounds (a few recent xids → the xid index), where a cached generic
 * plan would guess a third of the table.
 */
export async function readChanges(
  sql: Sql,
  options: { since: FeedCursor; operationId?: string; limit?: number },
): Promise<FeedRead> {
  const limit = options.limit ?? 20_000;
  const [, xmax = "0", xip = ""] = options.since.split(":");
  const inProgress = xip ? xip.split(",") : [];
  const params: (string | number | string[])[] = [xmax, inProgress, limit + 1];
  let byOperation = "";
  if (options.operationId) {
    params.push(options.operationId);
    byOperation = "and e.operation_id = $4::uuid";
  }
  const rows = await sql.unsafe<{ cursor: string; events: EventRow[] }[]>(
    `with fresh as (
       select e.id, e.xid, e.operation_id, e.type, e.step, e.at from events e
       where (e.xid >= $1::xid8 or e.xid = any($2::xid8[])) ${byOperation}
       limit $3
     )
     select pg_current_snapshot()::text as cursor,
       coalesce((select json_agg(json_build_object('id', id::text, 'xid', xid::text, 'operationId', operation_id, 'type', type,
         'step', step, 'at', at) order by id) from fresh), '[]'::json) as events`,
    params as never[],
    { prepare: false },
  );
  const row = rows[0]!;
  const overflow = row.events.length > limit;
  const events = row.events
    .map((e) => ({
      id: Number(e.id),
      xid: BigInt(e.xid),
      operationId: e.operationId,
      type: e.type,
      step: e.step,
      at: new Date(e.at),
    }))
    .sort((a, b) => a.id - b.id);
  return { cursor: row.cursor as FeedCursor, overflow, events: events.slice(0, limit) };
}
