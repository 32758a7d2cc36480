import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import type { OperationStatus } from "@/server/domain/statuses";
import { IN_FLIGHT_STATUSES } from "@/server/domain/statuses";
import { DAY } from "./windows";

export interface StatusCount {
  type: string;
  status: OperationStatus;
  n: number;
}

/**
 * Operations per type and status. In flight: exact (status index). Finished: the last 24 h
 * (completion index, index-only).
 */
export class StatusCountsPresenter {
  constructor(private readonly db: Db) {}

  call({ now }: { now: Date }): Promise<StatusCount[]> {
    const sql = this.db.$client;
    const dayAgo = new Date(now.getTime() - DAY);
    return sql<StatusCount[]>`
      select type, status, count(*)::int as n from operations
      where status in ${sql.unsafe(sqlList(IN_FLIGHT_STATUSES))}
      group by type, status
      union all
      select type, status, count(*)::int from operations
      where completed_at >= ${dayAgo.toISOString()}::timestamptz and completed_at is not null and not synthetic
      group by type, status`;
  }
}
