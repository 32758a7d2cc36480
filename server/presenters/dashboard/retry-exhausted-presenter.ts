import type { Db } from "@/db/client";
import { DAY } from "./windows";

/** Operations that failed in the last 24 h because a step ran out of retries, per type. */
export class RetryExhaustedPresenter {
  constructor(private readonly db: Db) {}

  async call({ now }: { now: Date }): Promise<Map<string, number>> {
    const sql = this.db.$client;
    const rows = await sql<{ type: string; n: number }[]>`
      select type, count(*)::int as n from operations
      where completed_at >= ${new Date(now.getTime() - DAY).toISOString()}::timestamptz
        and completed_at is not null and status = 'failed' and error->>'code' = 'retries_exhausted'
        and not synthetic
      group by type`;
    return new Map(rows.map((r) => [r.type, r.n]));
  }
}
