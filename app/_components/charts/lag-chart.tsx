"use client";

import { Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { LagPoint } from "@/server/presenters/dashboard/lag-series-presenter";
import { formatDuration } from "../../_lib/format";
import { hhmm, TIME_X_AXIS } from "./time-axis";

/** Completion lag p50/p95 per bucket; a dashed line marks the workflow's p95 objective. */
export function LagChart({
  points,
  objectiveMs,
  label,
}: {
  points: LagPoint[];
  objectiveMs: number | null;
  label: string;
}) {
  const data = points.map((p) => ({ t: p.t.getTime(), p50: p.p50Ms, p95: p.p95Ms, n: p.count }));
  if (!points.some((p) => p.count > 0)) {
    return (
      <p className="flex h-28 items-center justify-center text-xs text-zinc-500 dark:text-zinc-400">
        No completions in this window
      </p>
    );
  }
  return (
    // Fixed height: the chart draws after hydration without moving anything.
    <figure className="h-28 w-full" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 112 }}>
        <LineChart data={data} margin={{ top: 6, right: 6, bottom: 0, left: 0 }}>
          <XAxis {...TIME_X_AXIS} />
          <YAxis
            width={44}
            tickFormatter={(v: number) => formatDuration(v)}
            tick={{ fontSize: 10, fill: "currentColor" }}
            stroke="currentColor"
            strokeOpacity={0.3}
          />
          <Tooltip
            formatter={(v, name) => [formatDuration(Number(v)), String(name)]}
            labelFormatter={(t) => `${hhmm.format(Number(t))} UTC`}
            contentStyle={{ fontSize: 12 }}
          />
          {objectiveMs !== null && (
            <ReferenceLine
              y={objectiveMs}
              stroke="var(--color-status-blocked)"
              strokeDasharray="4 3"
              ifOverflow="hidden"
            />
          )}
          <Line
            type="monotone"
            dataKey="p95"
            name="p95"
            stroke="var(--color-status-processing)"
            dot={false}
            connectNulls
            isAnimationActive={false}
            strokeWidth={1.5}
          />
          <Line
            type="monotone"
            dataKey="p50"
            name="p50"
            stroke="var(--color-status-completed)"
            dot={false}
            connectNulls
            isAnimationActive={false}
            strokeWidth={1.5}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
