/**
 * A closed set written into SQL text as constants, `('accepted', 'processing')`, for
 * `status in ${sql.unsafe(sqlList(RUNNABLE_STATUSES))}`. Constants, not a parameter: the
 * planner matches partial indexes (operations_in_flight_idx) only against constants, and a
 * prepared statement's generic plan would not see a parameter's value. Only for the
 * project's own `as const` sets (server/domain): anything else is refused.
 */
export function sqlList(values: readonly string[]): string {
  for (const v of values) {
    if (!/^[a-z_]+$/.test(v))
      throw new Error(`sqlList takes closed-set words only, not ${JSON.stringify(v)}`);
  }
  return `(${values.map((v) => `'${v}'`).join(", ")})`;
}
