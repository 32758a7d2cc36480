import { migrateDatabase } from "@/db/migrate";
import { ensureQueues } from "@/server/engine/queue";

/**
 * Everything a database needs before web and worker start: the schema migrations, then
 * pg-boss's schema and the engine's queues. Idempotent and safe from several processes.
 * The launcher runs it on every start; the test template is made with it too.
 */
export async function prepareDatabase(url: string): Promise<{ applied: number; version: string }> {
  const migration = await migrateDatabase(url);
  await ensureQueues(url);
  return migration;
}
