import type { Metadata } from "next";
import { WorkflowTitle } from "../_components/links";
import { StatusBadge } from "../_components/status-badge";
import { Panel } from "../_components/ui";
import { formatDuration } from "../_lib/format";
import { serverCaller } from "../_lib/server-caller";
import { SyntheticRuns } from "./synthetic-runs";

export const metadata: Metadata = { title: "Workflows" };
export const dynamic = "force-dynamic";

/** Each column's name and its padding and alignment. */
const COLUMNS = [
  ["Workflow", "px-4"],
  ["Completion", "px-3"],
  ["Versions (in flight)", "px-3"],
  ["Success, 24 h", "px-3 text-right"],
  ["Lag p50 / p95", "px-3 text-right"],
  ["Synthetic check", "px-4"],
] as const;

export default async function WorkflowsPage() {
  const { workflows } = await serverCaller().workflows.summaries();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Workflows</h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Every workflow this build runs, with the versions that still have work in flight, how the last 24
        hours went (synthetic checks left out), its synthetic check's latest runs, and its execution story:
        what each step does, how it retries and undoes, and what the end user reads.
      </p>
      <Panel>
        <div className="relative overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
              <tr className="border-b border-zinc-100 dark:border-zinc-800">
                {COLUMNS.map(([label, className]) => (
                  <th key={label} scope="col" className={`${className} py-2 font-medium`}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {workflows.map((w) => (
                <tr
                  key={w.type}
                  className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800"
                >
                  <th scope="row" className="px-4 py-2.5 text-left font-normal">
                    <WorkflowTitle type={w.type} title={w.title} />
                    <p className="mt-0.5 max-w-md text-xs text-zinc-600 dark:text-zinc-400">
                      {w.description}
                    </p>
                  </th>
                  <td className="px-3 py-2.5 text-xs text-zinc-700 dark:text-zinc-300">
                    {w.completion.split(":")[0]}
                  </td>
                  <td className="px-3 py-2.5">
                    <ul className="flex flex-wrap gap-1.5">
                      {w.versions.map((v) => (
                        <li
                          key={v.version}
                          className={`rounded border px-1.5 py-0.5 font-mono text-xs ${v.registered ? "border-zinc-200 dark:border-zinc-700" : "border-status-failed/50 text-status-failed"}`}
                          title={v.registered ? undefined : "Not registered in this build"}
                        >
                          v{v.version} · {v.inFlight}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="px-3 py-2.5 text-right tabular-nums">
                    {w.successRate === null ? "—" : `${(w.successRate * 100).toFixed(1)}%`}
                    <div className="text-[11px] text-zinc-500">
                      {w.finished24h.toLocaleString("en")} finished
                    </div>
                  </td>
                  <td className="px-3 py-2.5 text-right tabular-nums whitespace-nowrap">
                    {formatDuration(w.lagP50Ms)} / {formatDuration(w.lagP95Ms)}
                    <div className="text-[11px] text-zinc-500">
                      objective p95 {formatDuration(w.objectiveP95Ms)}
                    </div>
                  </td>
                  <td className="px-4 py-2.5">
                    <SyntheticRuns synthetic={w.synthetic} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Statuses everywhere: <StatusBadge status="accepted" /> <StatusBadge status="processing" />{" "}
        <StatusBadge status="blocked" /> <StatusBadge status="failed" /> <StatusBadge status="completed" />
      </p>
    </div>
  );
}
