"use client";

import { useQuery } from "@tanstack/react-query";
import { BellRing } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { useHydrated } from "../../_lib/hydrated";
import { useTRPC } from "../../_lib/trpc";
import { AlertListItem } from "../../alerts/alert-ui";
import { IconTitle, Panel } from "../ui";

/** At most this many open alerts on the dashboard; the rest are a click away. */
const SHOWN = 5;

/**
 * Open alerts on the overview, firing first. Read again whenever the dashboard itself is
 * (`refreshedAt` changes on every live refetch; an alert change triggers one too).
 */
export function AlertsPanel({ refreshedAt }: { refreshedAt: Date | string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.alerts.list.queryOptions({}, { staleTime: 5_000 }));
  const { refetch } = query;
  const stamp = String(refreshedAt);
  useEffect(() => {
    void stamp;
    void refetch();
  }, [stamp, refetch]);
  // The nav's count reads the same query and may hold it before this panel hydrates (useHydrated).
  const d = useHydrated() ? query.data : undefined;
  const open = d?.open ?? [];
  return (
    <Panel
      id="dashboard-alerts"
      title={
        <IconTitle icon={BellRing} iconClassName={d && d.firing > 0 ? "text-status-failed" : undefined}>
          Alerts: {d ? `${d.firing} firing, ${d.acknowledged} acknowledged` : "…"}
        </IconTitle>
      }
      action={
        <Link href="/alerts" className="text-xs text-sky-700 hover:underline dark:text-sky-400">
          All alerts
        </Link>
      }
    >
      {d && open.length === 0 ? (
        <p className="px-4 py-2.5 text-sm text-zinc-500 dark:text-zinc-400">No alert is open.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {open.slice(0, SHOWN).map((a) => (
            <AlertListItem key={a.id} alert={a} />
          ))}
        </ul>
      )}
      {open.length > SHOWN && (
        <p className="border-t border-zinc-100 px-4 py-2 text-xs dark:border-zinc-800">
          <Link href="/alerts" className="text-sky-700 hover:underline dark:text-sky-400">
            {open.length - SHOWN} more open
          </Link>
        </p>
      )}
    </Panel>
  );
}
