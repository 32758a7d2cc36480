/** Formatting shared by server and client components (no hooks, no "use client"). */

const absoluteFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

export const absolute = (date: Date) => `${absoluteFormat.format(date)} UTC`;

/** "420 ms", "3.2 s", "4 min", "2.5 h" — durations and lags. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A `datetime-local` input's value for a Date: local time, "YYYY-MM-DDTHH:mm" ("" for none). */
export function toLocalInput(d: Date | null): string {
  if (!d) return "";
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` value (or form entry) back to a Date; null when empty. */
export const fromLocalInput = (s: FormDataEntryValue | null): Date | null => (s ? new Date(String(s)) : null);
