import Link from "next/link";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { WorkflowTitle } from "../links";
import { STATUS_INK } from "../status-badge";
import { formatDuration } from "../time";
import { Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

const num = (n: number) =>
  n === 0 ? <span className="text-zinc-500 dark:text-zinc-400">0</span> : n.toLocaleString("en");

/** Per workflow type: the five statuses, stuck, retry exhaustion and last hour's lag. */
export function BusinessTable({ d }: { d: Dashboard }) {
  return (
    <Panel id="business" title="Business progress by workflow" className="lg:col-span-2">
      <div className="relative overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
            <tr className="border-b border-zinc-100 dark:border-zinc-800">
              <th scope="col" className="px-4 py-2 font-medium">
                Workflow
              </th>
              {OPERATION_STATUSES.map((s) => (
                <th key={s} scope="col" className="px-2 py-2 text-right font-medium">
                  <span className="sr-only">{s}</span>
                  <span aria-hidden className={STATUS_INK[s]}>
                    {s}
                  </span>
                </th>
              ))}
              <th scope="col" className="px-2 py-2 text-right font-medium">
                stuck
              </th>
              <th
                scope="col"
                className="px-2 py-2 text-right font-medium"
                title="Retries exhausted: blocked now / failed in 24 h"
              >
                exhausted
              </th>
              <th
                scope="col"
                className="px-4 py-2 text-right font-medium"
                title="Accepted → completed, last hour"
              >
                lag p50 / p95
              </th>
            </tr>
          </thead>
          <tbody>
            {d.types.map((t) => (
              <tr key={t.type} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <th scope="row" className="px-4 py-2 text-left font-normal">
                  <WorkflowTitle type={t.type} title={t.title} />
                </th>
                {OPERATION_STATUSES.map((s) => (
                  <td key={s} className="px-2 py-2 text-right tabular-nums">
                    <Link
                      href={`/operations?type=${encodeURIComponent(t.type)}&status=${s}`}
                      className="hover:underline"
                    >
                      {num(t.counts[s])}
                    </Link>
                  </td>
                ))}
                <td
                  className={`px-2 py-2 text-right tabular-nums ${t.stuck > 0 ? "font-semibold text-status-blocked-ink" : ""}`}
                >
                  {num(t.stuck)}
                </td>
                <td className="px-2 py-2 text-right tabular-nums">
                  {num(t.retryExhausted.blocked)} / {num(t.retryExhausted.failed24h)}
                </td>
                <td className="px-4 py-2 text-right tabular-nums whitespace-nowrap">
                  {formatDuration(t.lag.hour.p50Ms)} / {formatDuration(t.lag.hour.p95Ms)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="border-t border-zinc-100 px-4 py-2 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        Accepted, processing and blocked are in flight now; completed and failed finished in the last 24
        hours.
      </p>
    </Panel>
  );
}
