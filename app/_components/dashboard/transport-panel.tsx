import { ThroughputChart } from "../charts/throughput-chart";
import { formatDuration } from "../time";
import { Panel } from "../ui";
import type { Dashboard } from "./dashboard-data";

/** The transport beside the business: run queue depth, workers, jobs per minute, the database. */
export function TransportPanel({ d }: { d: Dashboard }) {
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
