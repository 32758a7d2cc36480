import type { Db } from "@/db/client";
import type { BlockKind } from "@/server/domain/statuses";

export interface Inbox {
  /** Blocked because retries ran out, per type (for the business table). */
  exhaustedByType: Map<string, number>;
}

/**
 * Blocked counts per kind and type (operations_blocked_idx). The inbox's groups by cause are
 * BlockedCausesPresenter's (server/presenters/inbox/).
 */
export class InboxPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<Inbox> {
    const sql = this.db.$client;
    const counts = await sql<{ kind: BlockKind; type: string; n: number }[]>`
      select blocked_kind as kind, type, count(*)::int as n from operations
      where status = 'blocked' group by 1, 2`;
    const exhaustedByType = new Map<string, number>();
    for (const c of counts) {
      if (c.kind === "retries_exhausted")
        exhaustedByType.set(c.type, (exhaustedByType.get(c.type) ?? 0) + c.n);
    }
    return { exhaustedByType };
  }
}
