import type { Db } from "@/db/client";
import { PGBOSS_SCHEMA } from "@/server/engine/queue";

/** pg-boss's job table, for `sql(PGBOSS_JOB)`. */
export const PGBOSS_JOB = `${PGBOSS_SCHEMA}.job`;

/**
 * Whether pg-boss is installed in this database: until a worker or intake has run it is not,
 * and presenters that read its job table show no jobs.
 */
export async function pgBossInstalled(sql: Db["$client"]): Promise<boolean> {
  const [exists] = await sql<{ ok: boolean }[]>`select to_regclass(${PGBOSS_JOB}) is not null as ok`;
  return exists?.ok ?? false;
}
