"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import type { SystemOverview } from "@/server/system/overview-presenter";
import { StatusBadge } from "./_components/status-badge";
import { useTRPC } from "./_lib/trpc";

/** Counts per status, refreshed every few seconds on top of the server-rendered first answer. */
export function OverviewLive({ initial }: { initial: SystemOverview }) {
  const trpc = useTRPC();
  const { data } = useQuery({
    ...trpc.system.overview.queryOptions(),
    initialData: initial,
    refetchInterval: 3_000,
  });
  return (
    <div className="space-y-6">
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {OPERATION_STATUSES.map((status) => (
          <li key={status}>
            <Link
              href={`/operations?status=${status}`}
              className="block rounded-lg border border-zinc-200 bg-white p-4 hover:border-zinc-400 dark:border-zinc-800 dark:bg-zinc-900"
            >
              <StatusBadge status={status} />
              <p className="mt-2 text-2xl font-semibold tabular-nums">{data.countsByStatus[status]}</p>
            </Link>
          </li>
        ))}
      </ul>
      <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-3">
        <Fact label="Database">
          <span data-testid="postgres-version">{data.postgresVersion}</span>
        </Fact>
        <Fact label="Schema">
          {data.migration} ({data.migrationsApplied} applied)
        </Fact>
        <Fact label="Workers online">{data.workersOnline}</Fact>
      </dl>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="mt-1 font-medium">{children}</dd>
    </div>
  );
}
