import { drizzle } from "drizzle-orm/postgres-js";
import type { Sql, TransactionSql } from "postgres";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";

/** A drizzle handle over an open postgres.js transaction (for the audit writer and our own tables). */
export type TxDb = Db & { readonly __inTransaction: true };

/**
 * One transaction seen both ways: the engine's helpers speak postgres.js (`sql`), the audit
 * writer and the console tables speak drizzle (`db`). Both run on the same connection, so
 * everything commits together or not at all.
 */
export function inTransaction<T>(
  db: Db,
  fn: (tx: { sql: TransactionSql; db: TxDb }) => Promise<T>,
): Promise<T> {
  return db.$client.begin(async (sql) => fn({ sql, db: overTransaction(db, sql) })) as Promise<T>;
}

/**
 * drizzle reads the client's `options` (type parsers) when it is created; a transaction has
 * none of its own but runs on the pool's connections, whose options drizzle already set up
 * for `db`. Queries then go through the transaction's `unsafe`.
 */
export function overTransaction(db: Db, sql: TransactionSql): TxDb {
  const client = sql as unknown as Sql & { options?: Sql["options"] };
  client.options ??= db.$client.options;
  return drizzle(client as Sql, { schema, casing: "snake_case" }) as unknown as TxDb;
}
