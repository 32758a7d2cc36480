import type postgres from "postgres";
import type { SqlQueryable } from "@/db/transaction";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";

/**
 * Raw SQL through drizzle's postgres.js pool returns timestamptz as text (drizzle turns
 * postgres.js's own date parsing off); presenters turn them into Dates here.
 */
export function asDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function asDateOrNull(value: string | Date | null | undefined): Date | null {
  return value === null || value === undefined ? null : asDate(value);
}

/** A number from a numeric/bigint column (text on the wire), or null. */
export function asNumberOrNull(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** LIKE's own wildcards in user text match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** 32 hex digits in the 8-4-4-4-12 form of a UUID. */
export function toUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The smallest UUIDv7 of a millisecond: ids start with their creation time, so a time
 * range is an id range and uses the primary key (no created_at index needed).
 */
export function uuidV7Floor(at: Date): string {
  const ms = Math.max(0, Math.min(at.getTime(), 2 ** 48 - 1));
  return toUuid(`${ms.toString(16).padStart(12, "0")}${"0".repeat(20)}`);
}

/**
 * One branch per runnable status, joined by `union all`, each with its status as a literal
 * (a closed set of the domain, never input). A lateral read of "the first N operations of this
 * (status, type)" given the status from an unnest makes the planner guess how many rows each
 * status has and scan the whole table; with the literal it sees how few there are and takes the
 * operations_status_type_idx range (1,000,000 operations: 183 ms → 26 ms). Used by the stuck
 * alert condition and the dashboard's stuck panel.
 */
export function perRunnableStatus(
  sql: SqlQueryable,
  branch: (status: postgres.Fragment) => postgres.Fragment,
): postgres.Fragment {
  const branches = RUNNABLE_STATUSES.map((status) => sql`(${branch(sql.unsafe(`'${status}'`))})`);
  return branches.slice(1).reduce((all, b) => sql`${all} union all ${b}`, branches[0]!);
}
