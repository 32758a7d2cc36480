/**
 * The one way the console words a duration, for server and browser alike: "420 ms", "3.2 s",
 * "4 min", "2.5 h", "36 h", "30 days". Past two days hours stop meaning anything to a person
 * ("blocked for 719.3 h" is a month), so whole days.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${+(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)} min`;
  if (ms < 48 * 3_600_000) return `${+(ms / 3_600_000).toFixed(ms < 36_000_000 ? 1 : 0)} h`;
  const days = Math.round(ms / 86_400_000);
  return `${days} days`;
}
