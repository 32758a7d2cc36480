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
