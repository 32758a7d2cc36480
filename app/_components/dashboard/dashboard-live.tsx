"use client";

import { useQuery } from "@tanstack/react-query";
import { useLiveChanges } from "../../_lib/live";
import { useTRPC } from "../../_lib/trpc";
import { LiveIndicator } from "../live-indicator";
import { SearchBox } from "../search-box";
import { Time } from "../time";
import { AlertsPanel } from "./alerts-panel";
import { BlockedInbox } from "./blocked-inbox";
import { BusinessTable } from "./business-table";
import type { Dashboard } from "./dashboard-data";
import { LagPanel } from "./lag-panel";
import { StuckPanel } from "./stuck-panel";
import { Totals } from "./totals";
import { TransportPanel } from "./transport-panel";
import { WaitsPanel } from "./waits-panel";

/**
 * The operations overview (/): one `dashboard.get`, read again whenever the live feed says
 * something changed. Each panel is a file of its own in this folder.
 */
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

      <SearchBox />

      <AlertsPanel refreshedAt={d.generatedAt} />

      <Totals d={d} />

      <div className="grid gap-5 lg:grid-cols-3">
        <BusinessTable d={d} />
        <TransportPanel d={d} />
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <BlockedInbox d={d} />
        <StuckPanel d={d} />
      </div>

      <WaitsPanel d={d} />

      <LagPanel d={d} />
    </div>
  );
}
