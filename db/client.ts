import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema> & { $client: Sql };

export interface DbOptions {
  /** Pool size; the web and worker processes size it for their own concurrency. */
  max?: number;
  /** Name shown in pg_stat_activity, to tell web from worker connections. */
  applicationName?: string;
}

export function createDb(url: string, options: DbOptions = {}): Db {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Seconds to wait for a connection: while PostgreSQL is away a request fails fast (and is
    // answered 503 through isDatabaseUnavailable) instead of waiting postgres.js's default 30 s.
    connect_timeout: 5,
    connection: { application_name: options.applicationName ?? "throughline" },
  });
  return drizzle(client, { schema, casing: "snake_case" }) as Db;
}

/**
 * A process's pool from the launcher's environment: DATABASE_URL (the launcher sets it for
 * the web and worker processes), DB_POOL_MAX and THROUGHLINE_ROLE (shown in pg_stat_activity).
 */
export function databaseFromEnv(env: NodeJS.ProcessEnv = process.env): { db: Db; url: string } {
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Throughline with `npm start`.");
  const db = createDb(url, {
    max: Number(env.DB_POOL_MAX ?? 10),
    applicationName: env.THROUGHLINE_ROLE ?? "throughline",
  });
  return { db, url };
}
