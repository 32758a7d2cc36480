import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema> & { $client: Sql };

/** Server-side bounds on one connection's work, in milliseconds; 0 or absent = PostgreSQL's default (none). */
export interface DbTimeouts {
  /** Any one statement (`statement_timeout`, SQLSTATE 57014). */
  statementMs?: number;
  /** Waiting for a row or table lock (`lock_timeout`, 55P03); shorter than a statement's bound. */
  lockMs?: number;
  /** A transaction left open with nothing running (`idle_in_transaction_session_timeout`, 25P03). */
  idleInTransactionMs?: number;
}

export interface DbOptions {
  /** Pool size; the web and worker processes size it for their own concurrency. */
  max?: number;
  /** Name shown in pg_stat_activity, to tell web from worker connections. */
  applicationName?: string;
  timeouts?: DbTimeouts;
}

/**
 * The web process's bounds (issue 15 hole 2): a request never waits on PostgreSQL longer than
 * these, and the refusal is answered as "unavailable" (db/errors.ts). Its longest statements
 * (dashboards, search, one page of an audit export) take milliseconds; 10 s is an outage.
 */
export const WEB_TIMEOUTS: Required<DbTimeouts> = {
  statementMs: 10_000,
  lockMs: 5_000,
  idleInTransactionMs: 15_000,
};

/**
 * Seconds before the pool tries a lost connection again: postgres.js's default grows with every
 * failed attempt up to 20 s, and a query waits for that reconnect — during an outage a request
 * then hung for up to 30 s instead of being refused. A short capped backoff (with jitter, so
 * replicas do not reconnect in step) keeps a refusal fast and a recovery prompt.
 */
export function reconnectBackoffS(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

export function createDb(url: string, options: DbOptions = {}): Db {
  const { statementMs, lockMs, idleInTransactionMs } = options.timeouts ?? {};
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Seconds to wait for a connection: while PostgreSQL is away a request fails fast (and is
    // answered 503 through isDatabaseUnavailable) instead of waiting postgres.js's default 30 s.
    connect_timeout: 5,
    backoff: reconnectBackoffS,
    // Startup parameters: every connection of the pool carries them from its first statement.
    connection: {
      application_name: options.applicationName ?? "throughline",
      ...(statementMs ? { statement_timeout: statementMs } : {}),
      ...(lockMs ? { lock_timeout: lockMs } : {}),
      ...(idleInTransactionMs ? { idle_in_transaction_session_timeout: idleInTransactionMs } : {}),
    },
  });
  return drizzle(client, { schema, casing: "snake_case" }) as Db;
}

/**
 * A process's pool from the launcher's environment: DATABASE_URL (the launcher sets it for
 * the web and worker processes), DB_POOL_MAX and THROUGHLINE_ROLE (shown in pg_stat_activity).
 * The web role's statements are bounded (WEB_TIMEOUTS, each overridable by
 * THROUGHLINE_DB_STATEMENT_TIMEOUT_MS, THROUGHLINE_DB_LOCK_TIMEOUT_MS and
 * THROUGHLINE_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS); the worker's are not unless those are set:
 * its jobs answer no caller, and a bulk action or an alert evaluation may rightly take longer.
 */
export function databaseFromEnv(env: NodeJS.ProcessEnv = process.env): { db: Db; url: string } {
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Throughline with `npm start`.");
  const role = env.THROUGHLINE_ROLE ?? "throughline";
  const defaults: DbTimeouts = role === "web" ? WEB_TIMEOUTS : {};
  const db = createDb(url, {
    max: Number(env.DB_POOL_MAX ?? 10),
    applicationName: role,
    timeouts: {
      statementMs: msFromEnv(env.THROUGHLINE_DB_STATEMENT_TIMEOUT_MS, defaults.statementMs),
      lockMs: msFromEnv(env.THROUGHLINE_DB_LOCK_TIMEOUT_MS, defaults.lockMs),
      idleInTransactionMs: msFromEnv(
        env.THROUGHLINE_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        defaults.idleInTransactionMs,
      ),
    },
  });
  return { db, url };
}

function msFromEnv(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined || value === "") return fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(`expected milliseconds (an integer ≥ 0), got "${value}"`);
  return ms;
}
