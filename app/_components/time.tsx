"use client";

import { useEffect, useState } from "react";
import { absolute, formatDuration } from "../_lib/format";

export { absolute, formatDuration };

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1_000],
];
const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function relative(date: Date, now: number): string {
  const diff = date.getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === "second") return rtf.format(Math.round(diff / ms), unit);
  }
  return "";
}

/**
 * The current time, re-rendering every 10 s. Read at each render too, so a value that just
 * arrived (a live update) is never shown as "in 6 seconds" against a clock 9 s old.
 */
function useNow(): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 10_000);
    return () => clearInterval(t);
  }, []);
  return Date.now();
}

/**
 * A relative time ("3 minutes ago") with the absolute one beside it on hover and for
 * screen readers. Rendered relative on the server too, so nothing shifts on hydration.
 */
export function Time({
  value,
  showAbsolute = false,
}: {
  value: string | Date | null;
  showAbsolute?: boolean;
}) {
  const now = useNow();
  if (!value) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  return (
    <time
      dateTime={date.toISOString()}
      title={absolute(date)}
      className="tabular-nums"
      suppressHydrationWarning
    >
      {relative(date, now)}
      {showAbsolute && <span className="ml-1 text-zinc-500">({absolute(date)})</span>}
    </time>
  );
}

/** Age since a date, ticking: "4 min". */
export function Age({ since }: { since: Date }) {
  const now = useNow();
  return (
    <span className="tabular-nums" title={absolute(since)} suppressHydrationWarning>
      {formatDuration(Math.max(0, now - since.getTime()))}
    </span>
  );
}
