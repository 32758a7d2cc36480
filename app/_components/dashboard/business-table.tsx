import Link from "next/link";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { blockKindHref } from "../../_lib/inbox-links";
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
              <th scope="col" className="px-2 py-2 text-right font-medium">
                retries ran out
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
                <td className="px-2 py-2 text-right tabular-nums whitespace-nowrap">
                  <Exhausted type={t.type} {...t.retryExhausted} />
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

/**
 * Operations whose retries ran out, in words: blocked now (a link to exactly those) and
 * failed in the last 24 hours (a link to the type's failures).
 */
function Exhausted({ type, blocked, failed24h }: { type: string; blocked: number; failed24h: number }) {
  if (blocked === 0 && failed24h === 0) return <span className="text-zinc-500 dark:text-zinc-400">none</span>;
  const link = "hover:underline";
  return (
    <span className="inline-flex gap-1.5">
      {blocked > 0 && (
        <Link href={blockKindHref(type, "retries_exhausted")} className={`${link} font-semibold`}>
          {blocked.toLocaleString("en")} blocked
        </Link>
      )}
      {blocked > 0 && failed24h > 0 && <span aria-hidden>·</span>}
      {failed24h > 0 && (
        <Link href={`/operations?type=${encodeURIComponent(type)}&status=failed`} className={link}>
          {failed24h.toLocaleString("en")} failed in 24 h
        </Link>
      )}
    </span>
  );
}
