"use client";

import { Inbox } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { bulkResumeHref, causeHref } from "../../_lib/inbox-links";
import { Time } from "../time";
import { BLOCK_KIND_LABELS, Empty, IconTitle, Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

type Group = Dashboard["inbox"]["groups"][number];

/** `?inbox=oldest` lists the oldest incident first; by default the newest (last seen) leads. */
export const INBOX_SORT_PARAM = "inbox";

const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

/**
 * Blocked work grouped by cause (block kind, step, error signature) within a type: what is
 * waiting for a person, the newest incident first. Each count opens exactly that group's
 * operations; "Resume these" opens the bulk form with that group as its filter.
 */
export function BlockedInbox({ d }: { d: Dashboard }) {
  const oldest = useSearchParams().get(INBOX_SORT_PARAM) === "oldest";
  const groups = oldest
    ? [...d.inbox.groups].sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime())
    : d.inbox.groups;
  const total = groups.reduce((n, g) => n + g.count, 0);
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
        <nav aria-label="Inbox order" className="flex items-center gap-2 text-xs">
          <SortLink active={!oldest} href="/#inbox-heading">
            Newest first
          </SortLink>
          <SortLink active={oldest} href={`/?${INBOX_SORT_PARAM}=oldest#inbox-heading`}>
            Oldest first
          </SortLink>
          <Link
            href="/operations?status=blocked"
            className="hidden text-zinc-600 hover:underline sm:inline dark:text-zinc-300"
          >
            All blocked →
          </Link>
        </nav>
      }
    >
      {groups.length === 0 ? (
        <Empty>Nothing is waiting for a person.</Empty>
      ) : (
        <ul className="max-h-[36rem] divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
          {groups.map((g) => (
            <CauseRow key={`${g.type} ${g.cause}`} g={g} />
          ))}
        </ul>
      )}
      {d.inbox.more && (
        <p className="border-t border-zinc-100 px-4 py-2 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          Only the {groups.length} causes seen most recently are listed.
        </p>
      )}
    </Panel>
  );
}

function SortLink({ active, href, children }: { active: boolean; href: string; children: string }) {
  return (
    <Link
      href={href}
      scroll={false}
      aria-current={active ? "true" : undefined}
      className={
        active
          ? "whitespace-nowrap rounded bg-zinc-100 px-1.5 py-0.5 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
          : "whitespace-nowrap px-1.5 py-0.5 text-zinc-600 hover:underline dark:text-zinc-300"
      }
    >
      {children}
    </Link>
  );
}

function CauseRow({ g }: { g: Group }) {
  const kind = BLOCK_KIND_LABELS[g.kind] ?? g.kind;
  return (
    <li
      data-testid={`inbox-${g.kind}`}
      data-cause={g.cause}
      aria-label={`${kind} at ${g.step} (${g.type})`}
      className="grid gap-x-4 gap-y-1.5 px-4 py-2.5 text-sm sm:grid-cols-[minmax(0,1fr)_auto]"
    >
      <div className="min-w-0 space-y-0.5">
        <p className="flex flex-wrap items-center gap-x-2 text-xs text-zinc-600 dark:text-zinc-300">
          <span className="font-medium text-status-blocked-ink">{kind}</span>
          <span className="font-mono">{g.type}</span>
          <span>
            at <span className="font-mono">{g.step}</span>
          </span>
        </p>
        <p className="line-clamp-3 break-words text-zinc-800 dark:text-zinc-200" title={g.reason}>
          {g.reason}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          <span className="font-medium text-zinc-700 dark:text-zinc-300">Action:</span> {g.actionRequired}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          First seen <Time value={g.firstSeen} /> · last seen <Time value={g.lastSeen} />
        </p>
      </div>
      <div className="flex items-center gap-3 sm:flex-col sm:items-end sm:gap-1.5 sm:text-right">
        <Link
          href={causeHref(g)}
          className="text-sm font-semibold tabular-nums text-zinc-900 hover:underline dark:text-zinc-100"
        >
          {plural(g.count, "operation")}
        </Link>
        <Link
          href={bulkResumeHref(g)}
          className="whitespace-nowrap rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          Resume {g.count === 1 ? "this one" : `these ${g.count.toLocaleString("en")}`}
        </Link>
      </div>
    </li>
  );
}
