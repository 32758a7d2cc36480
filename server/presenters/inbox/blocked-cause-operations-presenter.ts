import type { Db } from "@/db/client";
import type { BlockKind } from "@/server/domain/statuses";
import { asDate } from "@/server/presenters/rows";
import { type BlockCause, causeCondition } from "./block-cause";

export interface BlockedCauseRow {
  id: string;
  reference: string | null;
  subject: string | null;
  reason: string;
  /** Blocked since (its last change). */
  since: Date;
}

export interface BlockedCauseOperations {
  count: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  /** The newest one's reason and action: the cause in words. */
  reason: string | null;
  actionRequired: string | null;
  /** Newest blocked first. */
  rows: BlockedCauseRow[];
  /** The `since`/`id` of the last row when more follow (keyset, never OFFSET). */
  next: string | null;
}

/** One cause within a type, or every cause of one block kind (the business table's "exhausted"). */
export type BlockedCauseQuery = { type: string; cursor?: string | null } & (
  | { cause: BlockCause }
  | { kind: BlockKind }
);

const PAGE = 50;
/** The last row's `updated_at` as PostgreSQL wrote it (exact to the microsecond) and its id. */
const CURSOR =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::?\d{2})?)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const decodeCursor = (c: string) => CURSOR.exec(Buffer.from(c, "base64url").toString("utf8"));

/**
 * Exactly the operations of one inbox group (a cause within a workflow type), newest blocked
 * first, with the group's count and first and last seen: the list the inbox's counts open and
 * a bulk action starts from (operations_blocked_cause_idx). Or all of one block kind within a
 * type (operations_blocked_idx).
 */
export class BlockedCauseOperationsPresenter {
  constructor(private readonly db: Db) {}

  async call(input: BlockedCauseQuery): Promise<BlockedCauseOperations> {
    const sql = this.db.$client;
    const where =
      "cause" in input
        ? sql`type = ${input.type} ${causeCondition(sql, input.cause)}`
        : sql`type = ${input.type} and status = 'blocked' and blocked_kind = ${input.kind}::block_kind`;
    const after = input.cursor ? decodeCursor(input.cursor) : null;
    const [summary, example, rows] = await Promise.all([
      sql<{ n: number; first: string | null; last: string | null }[]>`
        select count(*)::int as n, min(updated_at) as first, max(updated_at) as last
        from operations where ${where}`,
      sql<{ reason: string | null; action: string | null }[]>`
        select blocked_reason as reason, action_required as action from operations
        where ${where} order by updated_at desc limit 1`,
      sql<
        {
          id: string;
          reference: string | null;
          subject: string | null;
          reason: string | null;
          since: string;
        }[]
      >`
        select id, reference, subject, blocked_reason as reason, updated_at as since from operations
        where ${where}
          ${after ? sql`and (updated_at, id) < (${after[1]!}::timestamptz, ${after[2]!}::uuid)` : sql``}
        order by updated_at desc, id desc limit ${PAGE + 1}`,
    ]);
    const last = rows.length > PAGE ? rows[PAGE - 1] : undefined;
    const page = rows.slice(0, PAGE).map((r) => ({ ...r, reason: r.reason ?? "", since: asDate(r.since) }));
    const s = summary[0];
    return {
      count: s?.n ?? 0,
      firstSeen: s?.first ? asDate(s.first) : null,
      lastSeen: s?.last ? asDate(s.last) : null,
      reason: example[0]?.reason ?? null,
      actionRequired: example[0]?.action ?? null,
      rows: page,
      next: last ? Buffer.from(`${last.since}|${last.id}`).toString("base64url") : null,
    };
  }
}
