import type { Db } from "@/db/client";
import { BLOCK_KINDS, type BlockKind } from "@/server/domain/statuses";
import { asDate } from "@/server/presenters/rows";

const INBOX_ITEMS_PER_KIND = 8;

export interface InboxItem {
  id: string;
  type: string;
  reference: string | null;
  subject: string | null;
  reason: string;
  actionRequired: string;
  since: Date;
}

export interface InboxGroup {
  kind: BlockKind;
  count: number;
  items: InboxItem[];
}

export interface Inbox {
  /** Per block kind with anything in it, the kind whose oldest item is oldest first. */
  groups: InboxGroup[];
  /** Blocked because retries ran out, per type (for the business table). */
  exhaustedByType: Map<string, number>;
}

/** The operator inbox: per block kind, how many and the oldest few (operations_blocked_idx). */
export class InboxPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<Inbox> {
    const sql = this.db.$client;
    const [counts, items] = await Promise.all([
      sql<{ kind: BlockKind; type: string; n: number }[]>`
        select blocked_kind as kind, type, count(*)::int as n from operations
        where status = 'blocked' group by 1, 2`,
      sql<(Omit<InboxItem, "since"> & { kind: BlockKind; since: string })[]>`
        select k.kind, o.id, o.type, o.reference, o.subject, o.blocked_reason as reason,
          o.action_required as "actionRequired", o.updated_at as since
        from unnest(${[...BLOCK_KINDS]}::block_kind[]) as k(kind)
        cross join lateral (
          select id, type, reference, subject, blocked_reason, action_required, updated_at from operations
          where status = 'blocked' and blocked_kind = k.kind
          order by updated_at limit ${INBOX_ITEMS_PER_KIND}
        ) o`,
    ]);
    const exhaustedByType = new Map<string, number>();
    for (const c of counts) {
      if (c.kind === "retries_exhausted")
        exhaustedByType.set(c.type, (exhaustedByType.get(c.type) ?? 0) + c.n);
    }
    const groups = BLOCK_KINDS.map((kind) => ({
      kind,
      count: counts.filter((c) => c.kind === kind).reduce((a, c) => a + c.n, 0),
      items: items
        .filter((i) => i.kind === kind)
        .map(({ kind: _k, since, ...i }) => ({
          ...i,
          reason: i.reason ?? "",
          actionRequired: i.actionRequired ?? "",
          since: asDate(since),
        })),
    }))
      .filter((g) => g.count > 0)
      .sort((a, b) => (a.items[0]?.since.getTime() ?? 0) - (b.items[0]?.since.getTime() ?? 0));
    return { groups, exhaustedByType };
  }
}
