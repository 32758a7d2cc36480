"use client";

import { Bar, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ThroughputPoint } from "@/server/presenters/dashboard/throughput-presenter";
import { hhmm, TIME_X_AXIS } from "./time-axis";

/**
 * Per minute: operations accepted and finished (business) against run jobs done
 * (transport). Jobs moving while completions stay flat is the picture of stuck work.
 */
export function ThroughputChart({ points }: { points: ThroughputPoint[] }) {
  const data = points.map((p) => ({ ...p, t: p.t.getTime() }));
  return (
    <figure className="h-36 w-full" aria-label="Throughput per minute over the last hour">
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 144 }}>
        <ComposedChart data={data} margin={{ top: 6, right: 6, bottom: 0, left: 0 }}>
          <XAxis {...TIME_X_AXIS} />
          <YAxis
            width={36}
            allowDecimals={false}
            tick={{ fontSize: 10, fill: "currentColor" }}
            stroke="currentColor"
            strokeOpacity={0.3}
          />
          <Tooltip labelFormatter={(t) => `${hhmm.format(Number(t))} UTC`} contentStyle={{ fontSize: 12 }} />
          <Bar
            dataKey="completed"
            name="completed"
            stackId="done"
            fill="var(--color-status-completed)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="failed"
            name="failed"
            stackId="done"
            fill="var(--color-status-failed)"
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="accepted"
            name="accepted"
            stroke="var(--color-status-accepted)"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="jobs"
            name="run jobs done"
            stroke="var(--color-status-processing)"
            strokeDasharray="3 2"
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
