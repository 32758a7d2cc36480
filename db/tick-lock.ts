import type { Sql, TransactionSql } from "postgres";

/** The first key of every tick lock, so they never collide with the audit chain's or others' locks. */
const TICK_LOCK_NAMESPACE = 0x7469636b; // "tick"

export type TickResult<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` in a transaction holding the transaction-level advisory lock named `name`, or
 * not at all when another process holds it (`{ ran: false }`, no waiting). The lock goes
 * with the transaction, so a process that dies mid-tick releases it and its half-done
 * work rolls back: the next tick starts from what committed.
 *
 * The lock alone stops two evaluations overlapping; "once per tick" also needs the caller
 * to record the tick it ran inside `fn` (the alert evaluator inserts the tick's row, keyed
 * by the tick, so a second process arriving after the first committed finds it done).
 */
export async function withTickLock<T>(
  sql: Sql,
  name: string,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<TickResult<T>> {
  const result = await sql.begin(async (tx) => {
    const [row] = await tx<{ locked: boolean }[]>`
      select pg_try_advisory_xact_lock(${TICK_LOCK_NAMESPACE}, hashtext(${name})) as locked`;
    if (!row?.locked) return { ran: false } as const;
    return { ran: true, value: await fn(tx) } as const;
  });
  return result as TickResult<T>;
}
