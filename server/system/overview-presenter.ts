import type { Db } from "@/db/client";
import { appliedMigrationCount, latestMigrationTag } from "@/db/migrate";
import { OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";

/** A worker that has not checked in for this long is counted as gone. */
const WORKER_SILENCE_MS = 30_000;

export interface SystemOverview {
  postgresVersion: string;
  migration: string;
  migrationsApplied: number;
  workersOnline: number;
  countsByStatus: Record<OperationStatus, number>;
}

/** The home page's first facts: the database we run on and what it holds. */
export class OverviewPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<SystemOverview> {
    const client = this.db.$client;
    const [[version], counts, [workers], applied] = await Promise.all([
      client<{ v: string }[]>`select current_setting('server_version') as v`,
      client<{ status: OperationStatus; n: number }[]>`
        select status, count(*)::int as n from operations group by status`,
      client<{ n: number }[]>`
        select count(*)::int as n from workers
        where stopped_at is null and last_seen_at > now() - ${`${WORKER_SILENCE_MS} milliseconds`}::interval`,
      appliedMigrationCount(client),
    ]);
    const countsByStatus = Object.fromEntries(OPERATION_STATUSES.map((s) => [s, 0])) as Record<
      OperationStatus,
      number
    >;
    for (const row of counts) countsByStatus[row.status] = row.n;
    return {
      postgresVersion: `PostgreSQL ${version?.v ?? "unknown"}`,
      migration: latestMigrationTag(),
      migrationsApplied: applied,
      workersOnline: workers?.n ?? 0,
      countsByStatus,
    };
  }
}
