/** Formatting shared by server and client components (no hooks, no "use client"). */

const absoluteFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

export const absolute = (date: Date) => `${absoluteFormat.format(date)} UTC`;

export { formatDuration } from "@/server/domain/duration";

/** A `datetime-local` input's value for a Date: local time, "YYYY-MM-DDTHH:mm" ("" for none). */
export function toLocalInput(d: Date | null): string {
  if (!d) return "";
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` value (or form entry) back to a Date; null when empty. */
export const fromLocalInput = (s: FormDataEntryValue | null): Date | null => (s ? new Date(String(s)) : null);

/**
 * An operation id short enough for a row, long enough to tell rows apart: ids are UUIDv7, so
 * operations accepted in the same burst share their first digits ("01a2354d-98fb…") and
 * differ at the end. The head (what search's id prefix takes) and the tail, with the full id
 * kept for a title or copy.
 */
export const shortId = (id: string) => `${id.slice(0, 8)}…${id.slice(-6)}`;
