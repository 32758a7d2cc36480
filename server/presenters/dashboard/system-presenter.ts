import type { Db } from "@/db/client";
import { latestMigrationTag } from "@/db/migrate";

/** A worker that has not checked in for this long is counted as gone. */
const WORKER_SILENCE_MS = 30_000;

export interface SystemStatus {
  postgresVersion: string;
  migration: string;
  workersOnline: number;
}

/** The database's version, the schema's last migration and the workers checked in. */
export class SystemPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<SystemStatus> {
    const sql = this.db.$client;
    const [[version], [workers]] = await Promise.all([
      sql<{ v: string }[]>`select current_setting('server_version') as v`,
      sql<{ n: number }[]>`
        select count(*)::int as n from workers
        where stopped_at is null and last_seen_at > now() - ${WORKER_SILENCE_MS} * interval '1 millisecond'`,
    ]);
    return {
      postgresVersion: `PostgreSQL ${version?.v ?? "unknown"}`,
      migration: latestMigrationTag(),
      workersOnline: workers?.n ?? 0,
    };
  }
}
