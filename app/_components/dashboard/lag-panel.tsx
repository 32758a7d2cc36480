"use client";

import { useState } from "react";
import { LagChart } from "../charts/lag-chart";
import { formatDuration } from "../time";
import { Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

/** Completion lag per type over the last hour or day, against the workflow's objective. */
export function LagPanel({ d }: { d: Dashboard }) {
  const [window, setWindow] = useState<"hour" | "day">("hour");
  return (
    <Panel
      id="lag"
      title="Completion lag: accepted → completed"
      action={
        <fieldset className="inline-flex rounded-md border border-zinc-200 text-xs dark:border-zinc-700">
          <legend className="sr-only">Window</legend>
          {(["hour", "day"] as const).map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={window === w}
              onClick={() => setWindow(w)}
              className={`px-2 py-0.5 ${window === w ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : ""}`}
            >
              {w === "hour" ? "Last hour" : "Last 24 h"}
            </button>
          ))}
        </fieldset>
      }
    >
      <div className="grid gap-px bg-zinc-100 sm:grid-cols-2 xl:grid-cols-4 dark:bg-zinc-800">
        {d.types.map((t) => {
          const stats = t.lag[window];
          return (
            <div key={t.type} className="bg-white px-4 py-3 dark:bg-zinc-900">
              <div className="flex items-baseline justify-between gap-2">
                <h3 className="truncate text-sm font-medium">{t.title}</h3>
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  {stats.count.toLocaleString("en")} done
                </span>
              </div>
              <p className="text-xs tabular-nums text-zinc-600 dark:text-zinc-300">
                p50 <strong>{formatDuration(stats.p50Ms)}</strong> · p95{" "}
                <strong>{formatDuration(stats.p95Ms)}</strong>
                {t.objectiveP95Ms !== null && <> · objective p95 {formatDuration(t.objectiveP95Ms)}</>}
              </p>
              <LagChart
                points={t.lagSeries[window]}
                objectiveMs={t.objectiveP95Ms}
                label={`${t.title}: completion lag p50 and p95, ${window === "hour" ? "last hour" : "last 24 hours"}`}
              />
            </div>
          );
        })}
      </div>
    </Panel>
  );
}
