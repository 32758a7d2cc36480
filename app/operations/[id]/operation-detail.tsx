"use client";

import { useQuery } from "@tanstack/react-query";
import { StatusBadge } from "../../_components/status-badge";
import { Time } from "../../_components/time";
import { useTRPC } from "../../_lib/trpc";

export function OperationDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.operations.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data?.done ? false : 1_000),
  });
  if (query.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (query.isError) {
    return (
      <div role="alert" className="rounded-lg border border-dashed p-8 text-center">
        <h1 className="text-lg font-semibold">Operation not found</h1>
        <p className="text-sm text-zinc-500">{query.error.message}</p>
      </div>
    );
  }
  const op = query.data;
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <div className="flex items-center gap-3">
          <h1 className="text-xl font-semibold">{op.reference ?? op.type}</h1>
          <StatusBadge status={op.status} />
        </div>
        <p className="text-zinc-600 dark:text-zinc-400">{op.statusText}</p>
        <p className="font-mono text-xs text-zinc-500">
          {op.id} · {op.type} v{op.version} · trace {op.traceId}
        </p>
      </header>
      {op.blocked && (
        <div className="rounded-lg border border-status-blocked/40 bg-status-blocked/10 p-4 text-sm">
          <p className="font-medium">Blocked ({op.blocked.kind.replaceAll("_", " ")})</p>
          <p>{op.blocked.reason}</p>
          <p>
            <span className="font-medium">Action required:</span> {op.blocked.actionRequired}
          </p>
        </div>
      )}
      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading" className="mb-2 font-semibold">
          Steps
        </h2>
        <ol className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {op.steps.map((s, i) => (
            <li key={s.name} className="flex items-center gap-3 px-3 py-2 text-sm">
              <span className="w-5 text-zinc-400 tabular-nums">{i + 1}</span>
              <span className="flex-1">{s.title}</span>
              <span className="text-xs text-zinc-500">{s.status}</span>
              <span className="w-24 text-right text-xs text-zinc-500">
                {s.attempts} attempt{s.attempts === 1 ? "" : "s"}
              </span>
              <span className="w-32 text-right text-xs text-zinc-500">
                <Time value={s.finishedAt ?? s.startedAt} />
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
