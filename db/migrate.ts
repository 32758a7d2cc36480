import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK_ID = 7_130_001;

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

function readJournal(): Journal {
  return JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;
}

/** The newest migration shipped with this code, e.g. `0003_audit`. */
export function latestMigrationTag(): string {
  return readJournal().entries.at(-1)?.tag ?? "none";
}

/**
 * Applies pending migrations. Web and worker processes may start together, so the
 * run is serialised with an advisory lock; the second one finds nothing to do.
 */
export async function migrateDatabase(url: string): Promise<{ applied: number; version: string }> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    const before = await countApplied(client);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    const after = await countApplied(client);
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    return { applied: after - before, version: latestMigrationTag() };
  } finally {
    await client.end();
  }
}

async function countApplied(client: postgres.Sql): Promise<number> {
  const [row] = await client<{ n: number }[]>`
    select count(*)::int as n from information_schema.tables
    where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`;
  if (!row?.n) return 0;
  const [count] = await client<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return count?.n ?? 0;
}

/**
 * What the database has applied: the count, and the tag of the newest applied migration
 * (drizzle records each one's journal `when` as `created_at`). The tag is `none` before the
 * first migration and `unknown` when the database is ahead of this code.
 */
export async function appliedMigrationState(client: postgres.Sql): Promise<{ applied: number; tag: string }> {
  const applied = await countApplied(client);
  if (applied === 0) return { applied, tag: "none" };
  const [row] = await client<{ createdAt: string }[]>`
    select created_at::text as "createdAt" from drizzle.__drizzle_migrations order by created_at desc limit 1`;
  const entry = readJournal().entries.find((e) => String(e.when) === row?.createdAt);
  return { applied, tag: entry?.tag ?? "unknown" };
}
