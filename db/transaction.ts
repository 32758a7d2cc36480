import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { Sql, TransactionSql } from "postgres";
import type { Db } from "./client";

/**
 * The project's one transaction vocabulary (see docs/architecture.md):
 *
 * - `Db`        the process's pool (drizzle, with the postgres.js pool as `$client`);
 * - `Tx`        one open transaction, seen both ways: `tx.sql` (postgres.js) and `tx.db` (drizzle),
 *               both on the same connection, so everything commits together or not at all;
 * - `Queryable` what runs drizzle queries, in or out of a transaction: the pool or `tx.db`;
 * - `SqlQueryable` what runs postgres.js queries, in or out of a transaction: `db.$client` or `tx.sql`.
 */
export interface Tx {
  /** postgres.js face: tagged templates and `unsafe` (engine SQL, pg-boss's job insert). */
  readonly sql: TransactionSql;
  /** drizzle face over the same connection. It cannot open a nested transaction. */
  readonly db: Queryable;
}

/** drizzle's query builder, in or out of a transaction (`Db` is one, so is `tx.db`). */
export type Queryable = Omit<PostgresJsDatabase, "transaction" | "$client" | "_" | "query" | "$cache">;

/** postgres.js queries, in or out of a transaction. */
export type SqlQueryable = Sql | TransactionSql;

/**
 * Runs `fn` in one transaction on `db`'s pool and commits when it resolves (rolls back when
 * it throws). The postgres.js transaction is the real one; the drizzle face is built over it
 * on first use, so engine paths that speak only SQL pay nothing for it.
 */
export function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$client.begin((sql) => fn(txOver(db, sql))) as Promise<T>;
}

/**
 * The handle over a postgres.js transaction that is already open (the engine's batched
 * commits begin on the pool directly). `db` supplies the pool's parsed options.
 */
export function txOver(db: Db, sql: TransactionSql): Tx {
  let face: Queryable | undefined;
  return {
    sql,
    get db() {
      face ??= drizzleOver(db.$client, sql);
      return face;
    },
  };
}

/**
 * drizzle reads a client's `options` (its type parsers) when it is built. A transaction has
 * no options of its own, but it runs on one of the pool's connections, which already use the
 * pool's; so the transaction is handed over with them. No schema: nothing in the project uses
 * drizzle's relational `query` API, and building its table map costs ~140 µs per transaction.
 */
function drizzleOver(pool: Sql, sql: TransactionSql): Queryable {
  const client = Object.assign(sql, { options: pool.options });
  // A TransactionSql lacks the pool-only members (`begin`, `end`, …) that drizzle's type asks for
  // but never calls on a transaction's face, since `transaction` is not part of `Queryable`.
  return drizzle(client as unknown as Sql, { casing: "snake_case" });
}
