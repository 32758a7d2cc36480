import { Hourglass } from "lucide-react";
import { Age } from "../time";
import { Empty, IconTitle, Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

const KIND_WORDS: Record<Dashboard["waits"][number]["kind"], string> = {
  acknowledgment: "answer",
  timer: "scheduled",
  end_user_action: "customer's answer",
};

/**
 * Operations waiting on an outside system, the customer or a timer: no worker is held, and
 * before the deadline they are processing, not stuck. Per workflow type and system, with the
 * oldest wait's age; overdue ones are past their deadline and about to block or fail.
 */
export function WaitsPanel({ d }: { d: Dashboard }) {
  return (
    <Panel
      id="waits"
      title={
        <IconTitle icon={Hourglass} iconClassName="text-status-processing">
          Waiting on the outside world
        </IconTitle>
      }
    >
      {d.waits.length === 0 ? (
        <Empty>Nothing waits on another system or a timer.</Empty>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" data-testid="waits-panel">
          {d.waits.map((w) => (
            <li
              key={`${w.type}:${w.target}:${w.kind}`}
              className="flex items-center justify-between gap-3 px-4 py-2"
            >
              <div className="min-w-0">
                <div className="truncate font-medium">{w.target === "clock" ? "timer" : w.target}</div>
                <div className="truncate text-xs text-zinc-500 dark:text-zinc-400">
                  {w.type} · {KIND_WORDS[w.kind]}
                </div>
              </div>
              <div className="shrink-0 text-right text-xs text-zinc-500 dark:text-zinc-400">
                <div className="text-sm font-medium text-zinc-900 tabular-nums dark:text-zinc-100">
                  {w.waiting} waiting
                </div>
                <div className="mt-0.5">
                  oldest <Age since={w.oldestSince} />
                  {w.overdue > 0 && <span className="text-status-failed-ink"> · {w.overdue} overdue</span>}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
