import { Clock } from "lucide-react";
import Link from "next/link";
import { isTerminal, OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";
import { StatusBadge } from "../status-badge";
import type { Dashboard } from "./dashboard-data";

/** One tile per status (in flight now, finished in 24 h) and the stuck count, each linking to its list. */
export function Totals({ d }: { d: Dashboard }) {
  const tiles: { status: OperationStatus; note: string }[] = OPERATION_STATUSES.map((status) => ({
    status,
    note: isTerminal(status) ? "last 24 h" : "now",
  }));
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Totals">
      {tiles.map(({ status, note }) => (
        <li key={status}>
          <Link
            href={`/operations?status=${status}`}
            className="block rounded-lg border border-zinc-200 bg-white px-3 py-2.5 hover:border-zinc-400 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-600"
          >
            <div className="flex items-center justify-between">
              <StatusBadge status={status} />
              <span className="text-[11px] text-zinc-500 dark:text-zinc-400">{note}</span>
            </div>
            <p className="mt-1.5 text-2xl font-semibold tabular-nums" data-testid={`total-${status}`}>
              {d.totals[status].toLocaleString("en")}
            </p>
          </Link>
        </li>
      ))}
      {/* The same box as the status tiles (a flex row, not an inline line box, so no baseline
          gap makes it taller), leading to the stuck list further down. */}
      <li>
        <a
          href="#stuck"
          className="block rounded-lg border border-zinc-200 bg-white px-3 py-2.5 hover:border-zinc-400 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-600"
          data-testid="total-stuck-tile"
        >
          <div className="flex items-center justify-between">
            <span className="inline-flex h-5 items-center gap-1.5 text-xs font-medium text-status-blocked-ink">
              <Clock className="size-3.5" aria-hidden /> stuck
            </span>
            <span className="text-[11px] text-zinc-500 dark:text-zinc-400">now</span>
          </div>
          <p className="mt-1.5 text-2xl font-semibold tabular-nums">
            {d.stuck.count.toLocaleString("en")}
            {d.stuck.atLeast && "+"}
          </p>
        </a>
      </li>
    </ul>
  );
}
