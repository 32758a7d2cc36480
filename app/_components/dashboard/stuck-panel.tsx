import { AlertTriangle } from "lucide-react";
import { OperationLink } from "../links";
import { StatusBadge } from "../status-badge";
import { Age, formatDuration } from "../time";
import { Empty, IconTitle, Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

/** In-flight operations idle past their workflow's threshold, longest idle first. */
export function StuckPanel({ d }: { d: Dashboard }) {
  return (
    <Panel
      id="stuck"
      title={
        <IconTitle icon={AlertTriangle} iconClassName="text-status-blocked">
          Stuck: no progress past the threshold
        </IconTitle>
      }
    >
      {d.stuck.items.length === 0 ? (
        <Empty>Everything in flight is moving.</Empty>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {d.stuck.items.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-3 px-4 py-2">
              <div className="min-w-0">
                <OperationLink id={s.id} reference={s.reference} />
                <div className="truncate text-xs text-zinc-500 dark:text-zinc-400">
                  {s.type} · {s.currentStep ?? "not started"}
                </div>
              </div>
              <div className="text-right text-xs text-zinc-500 dark:text-zinc-400">
                <StatusBadge status={s.status} />
                <div className="mt-0.5">
                  idle <Age since={s.since} /> (limit {formatDuration(s.thresholdMs)})
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
