"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { AlertTriangle, Clock, Inbox } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";
import type { AppRouter } from "@/server/routers/_app";
import { LagChart } from "./_components/charts/lag-chart";
import { ThroughputChart } from "./_components/charts/throughput-chart";
import { LiveIndicator } from "./_components/live-indicator";
import { STATUS_INK, StatusBadge } from "./_components/status-badge";
import { Age, formatDuration, Time } from "./_components/time";
import { BLOCK_KIND_LABELS, Empty, Panel } from "./_components/ui";
import { useLiveChanges } from "./_lib/live";
import { useTRPC } from "./_lib/trpc";

type Dashboard = inferRouterOutputs<AppRouter>["dashboard"]["get"];

const IN_FLIGHT: OperationStatus[] = ["accepted", "processing", "blocked"];

export function DashboardLive({ initial }: { initial: Dashboard }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.dashboard.get.queryOptions(),
    initialData: initial,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const live = useLiveChanges(initial.cursor, () => void query.refetch());
  const d = query.data;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-xl font-semibold">Operations overview</h1>
        <div className="flex items-center gap-4 text-xs text-zinc-500 dark:text-zinc-400">
          <span>
            Updated <Time value={d.generatedAt} />
          </span>
          <LiveIndicator status={live} />
        </div>
      </div>

      <Totals d={d} />

      <div className="grid gap-5 lg:grid-cols-3">
        <BusinessTable d={d} />
        <Transport d={d} />
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <BlockedInbox d={d} />
        <Stuck d={d} />
      </div>

      <LagPanel d={d} />
    </div>
  );
}

function Totals({ d }: { d: Dashboard }) {
  const tiles: { status: OperationStatus; note: string }[] = OPERATION_STATUSES.map((status) => ({
    status,
    note: IN_FLIGHT.includes(status) ? "now" : "last 24 h",
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
      <li className="rounded-lg border border-zinc-200 bg-white px-3 py-2.5 dark:border-zinc-800 dark:bg-zinc-900">
        <span className="inline-flex h-[22px] items-center gap-1.5 text-xs font-medium text-status-blocked-ink">
          <Clock className="size-3.5" aria-hidden /> stuck
        </span>
        <p className="mt-1.5 text-2xl font-semibold tabular-nums">
          {d.stuck.count.toLocaleString("en")}
          {d.stuck.atLeast && "+"}
        </p>
      </li>
    </ul>
  );
}

const num = (n: number) =>
  n === 0 ? <span className="text-zinc-500 dark:text-zinc-400">0</span> : n.toLocaleString("en");

function BusinessTable({ d }: { d: Dashboard }) {
  return (
    <Panel id="business" title="Business progress by workflow" className="lg:col-span-2">
      <div className="overflow-x-auto">
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
                  <Link
                    href={`/workflows/${encodeURIComponent(t.type)}`}
                    className="font-medium hover:underline"
                  >
                    {t.title}
                  </Link>
                  <div className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{t.type}</div>
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

function Transport({ d }: { d: Dashboard }) {
  const q = d.queue;
  const lastMinute = d.throughput.at(-2);
  return (
    <Panel id="transport" title="Transport: queue and workers">
      <dl className="grid grid-cols-3 gap-3 px-4 py-3 text-sm">
        <Metric label="Jobs ready" value={q ? q.ready : "—"} warn={!!q && q.ready > 100} />
        <Metric label="Deferred (retries)" value={q ? q.deferred : "—"} />
        <Metric label="Held by workers" value={q ? q.active : "—"} />
        <Metric
          label="Oldest ready job"
          value={q ? formatDuration(q.oldestReadyMs) : "—"}
          warn={!!q && (q.oldestReadyMs ?? 0) > 5_000}
        />
        <Metric label="Dead jobs" value={q ? q.dead : "—"} warn={!!q && q.dead > 0} />
        <Metric label="Workers online" value={d.system.workersOnline} warn={d.system.workersOnline === 0} />
      </dl>
      <div className="border-t border-zinc-100 px-4 pt-3 pb-1 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        Last minute: {lastMinute?.jobs ?? 0} run jobs done · {lastMinute?.completed ?? 0} operations completed
        · {lastMinute?.accepted ?? 0} accepted
      </div>
      <div className="px-2 pb-2">
        <ThroughputChart points={d.throughput} />
      </div>
      <dl className="grid grid-cols-2 gap-3 border-t border-zinc-100 px-4 py-3 dark:border-zinc-800">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Database</dt>
          <dd className="text-sm" data-testid="postgres-version">
            {d.system.postgresVersion}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Schema</dt>
          <dd className="truncate font-mono text-xs">{d.system.migration}</dd>
        </div>
      </dl>
    </Panel>
  );
}

function Metric({ label, value, warn = false }: { label: string; value: string | number; warn?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${warn ? "text-status-blocked-ink" : ""}`}>
        {typeof value === "number" ? value.toLocaleString("en") : value}
      </dd>
    </div>
  );
}

function BlockedInbox({ d }: { d: Dashboard }) {
  const total = d.inbox.reduce((n, g) => n + g.count, 0);
  return (
    <Panel
      id="inbox"
      className="lg:col-span-2"
      title={
        <span className="inline-flex items-center gap-2">
          <Inbox className="size-4 text-status-blocked" aria-hidden /> Blocked: operator inbox
          <span className="rounded-full bg-status-blocked/15 px-2 text-xs text-zinc-700 dark:text-zinc-200">
            {total}
          </span>
        </span>
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
                      <Link href={`/operations/${item.id}`} className="font-medium hover:underline">
                        {item.reference ?? item.id.slice(0, 8)}
                      </Link>
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

function Stuck({ d }: { d: Dashboard }) {
  return (
    <Panel
      id="stuck"
      title={
        <span className="inline-flex items-center gap-2">
          <AlertTriangle className="size-4 text-status-blocked" aria-hidden /> Stuck: no progress past the
          threshold
        </span>
      }
    >
      {d.stuck.items.length === 0 ? (
        <Empty>Everything in flight is moving.</Empty>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {d.stuck.items.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-3 px-4 py-2">
              <div className="min-w-0">
                <Link href={`/operations/${s.id}`} className="font-medium hover:underline">
                  {s.reference ?? s.id.slice(0, 8)}
                </Link>
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

function LagPanel({ d }: { d: Dashboard }) {
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
