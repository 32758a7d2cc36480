import { Inbox } from "lucide-react";
import Link from "next/link";
import { OperationLink } from "../links";
import { Age } from "../time";
import { BLOCK_KIND_LABELS, Empty, IconTitle, Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

/** Blocked operations grouped by why, oldest first: what is waiting for a person. */
export function BlockedInbox({ d }: { d: Dashboard }) {
  const total = d.inbox.reduce((n, g) => n + g.count, 0);
  return (
    <Panel
      id="inbox"
      className="lg:col-span-2"
      title={
        <IconTitle icon={Inbox} iconClassName="text-status-blocked">
          Blocked: operator inbox
          <span className="rounded-full bg-status-blocked/15 px-2 text-xs text-zinc-700 dark:text-zinc-200">
            {total}
          </span>
        </IconTitle>
      }
      action={
        <Link
          href="/operations?status=blocked"
          className="text-xs text-zinc-600 hover:underline dark:text-zinc-300"
        >
          All blocked →
        </Link>
      }
    >
      {d.inbox.length === 0 ? (
        <Empty>Nothing is waiting for a person.</Empty>
      ) : (
        <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {d.inbox.map((group) => (
            <section
              key={group.kind}
              aria-label={BLOCK_KIND_LABELS[group.kind]}
              data-testid={`inbox-${group.kind}`}
            >
              <h3 className="flex items-center justify-between bg-zinc-50 px-4 py-1.5 text-xs font-medium text-zinc-600 dark:bg-zinc-900/60 dark:text-zinc-300">
                <span>{BLOCK_KIND_LABELS[group.kind] ?? group.kind}</span>
                <span className="tabular-nums">{group.count} · oldest first</span>
              </h3>
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {group.items.map((item) => (
                  <li key={item.id} className="grid grid-cols-[1fr_auto] gap-x-4 px-4 py-2 text-sm">
                    <div className="min-w-0">
                      <OperationLink id={item.id} reference={item.reference} />
                      <span className="ml-2 font-mono text-[11px] text-zinc-500 dark:text-zinc-400">
                        {item.type}
                      </span>
                      <p className="truncate text-zinc-700 dark:text-zinc-300" title={item.reason}>
                        {item.reason}
                      </p>
                      <p className="text-xs text-zinc-500 dark:text-zinc-400">
                        <span className="font-medium text-zinc-700 dark:text-zinc-300">Action:</span>{" "}
                        {item.actionRequired}
                      </p>
                    </div>
                    <div className="text-right text-xs text-zinc-500 dark:text-zinc-400">
                      blocked for
                      <div className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
                        <Age since={item.since} />
                      </div>
                    </div>
                  </li>
                ))}
              </ul>
              {group.count > group.items.length && (
                <Link
                  href={`/operations?status=blocked`}
                  className="block px-4 py-1.5 text-xs text-zinc-600 hover:underline dark:text-zinc-300"
                >
                  {group.count - group.items.length} more…
                </Link>
              )}
            </section>
          ))}
        </div>
      )}
    </Panel>
  );
}
