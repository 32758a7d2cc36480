import type { Db } from "@/db/client";
import type { BlockKind } from "@/server/domain/statuses";
import { asDate } from "@/server/presenters/rows";
import { blockCause } from "./block-cause";

/** The most causes one read returns, newest first (an inbox shows a handful). */
export const MAX_CAUSE_GROUPS = 200;

export interface BlockedCauseGroup {
  /** `blockCause(kind, step, signature)`: what the search and bulk filters take. */
  cause: string;
  type: string;
  kind: BlockKind;
  step: string;
  count: number;
  /** When the first of them blocked, and the last: a new incident has a recent first seen. */
  firstSeen: Date;
  lastSeen: Date;
  /** The newest one's reason and the action it asks for: one concrete example of the cause. */
  reason: string;
  actionRequired: string;
}

export interface BlockedCauses {
  /** Newest incident first (last seen). */
  groups: BlockedCauseGroup[];
  /** More causes than MAX_CAUSE_GROUPS: the oldest were left out. */
  more: boolean;
}

interface Row {
  type: string;
  kind: BlockKind;
  step: string;
  signature: string;
  n: number;
  first: string;
  last: string;
  reason: string | null;
  action: string | null;
}

/**
 * Blocked work grouped by cause and workflow type, with each group's count and when it was
 * first and last seen. One scan of the blocked operations (the partial index
 * operations_blocked_cause_idx holds exactly those, keyed by cause: an index-only scan), then the newest example
 * of each group through the same index.
 */
export class BlockedCausesPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<BlockedCauses> {
    const sql = this.db.$client;
    const rows = await sql<Row[]>`
      with g as (
        select type, blocked_kind as kind, current_step as step, block_signature as signature,
          count(*)::int as n, min(updated_at) as first, max(updated_at) as last
        from operations
        where status = 'blocked' and blocked_kind is not null and current_step is not null
          and block_signature is not null
        group by blocked_kind, current_step, block_signature, type
        order by last desc
        limit ${MAX_CAUSE_GROUPS + 1}
      )
      select g.type, g.kind, g.step, g.signature, g.n, g.first, g.last, s.reason, s.action
      from g cross join lateral (
        select blocked_reason as reason, action_required as action from operations
        where status = 'blocked' and blocked_kind = g.kind and current_step = g.step
          and block_signature = g.signature and type = g.type
        order by updated_at desc limit 1
      ) s
      order by g.last desc, g.n desc`;
    return {
      groups: rows.slice(0, MAX_CAUSE_GROUPS).map((r) => ({
        cause: blockCause(r.kind, r.step, r.signature),
        type: r.type,
        kind: r.kind,
        step: r.step,
        count: r.n,
        firstSeen: asDate(r.first),
        lastSeen: asDate(r.last),
        reason: r.reason ?? "",
        actionRequired: r.action ?? "",
      })),
      more: rows.length > MAX_CAUSE_GROUPS,
    };
  }
}
