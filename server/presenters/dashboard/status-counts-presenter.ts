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
 * Real operations per type and status (synthetic checks are not business). In flight: exact —
 * every in-flight operation counted index-only on operations_status_type_idx, less the synthetic
 * ones in flight, read from the few rows of operations_synthetic_in_flight_idx (migration 0030); a
 * `not synthetic` filter on the first would read every in-flight row from the table instead.
 * Finished: the last 24 h (completion index).
 */
export class StatusCountsPresenter {
  constructor(private readonly db: Db) {}

  call({ now }: { now: Date }): Promise<StatusCount[]> {
    const sql = this.db.$client;
    const dayAgo = new Date(now.getTime() - DAY);
    const inFlight = sql.unsafe(sqlList(IN_FLIGHT_STATUSES));
    return sql<StatusCount[]>`
      select type, status, sum(n)::int as n from (
        select type, status, count(*) as n from operations where status in ${inFlight} group by type, status
        union all
        select type, status, -count(*) from operations where synthetic and status in ${inFlight}
        group by type, status
      ) c group by type, status having sum(n) > 0
      union all
      select type, status, count(*)::int from operations
      where completed_at >= ${dayAgo.toISOString()}::timestamptz and completed_at is not null and not synthetic
      group by type, status`;
  }
}
