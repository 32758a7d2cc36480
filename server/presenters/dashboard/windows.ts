/** The time windows the dashboard's panels count over. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The first minute of the 60-minute window ending with the minute `now` is in. */
export function hourWindowStart(now: Date): number {
  return Math.floor(now.getTime() / MINUTE) * MINUTE + MINUTE - 60 * MINUTE;
}
