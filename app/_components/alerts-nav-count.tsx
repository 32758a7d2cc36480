"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_lib/trpc";

/**
 * How often the navigation's count is read when no live page refreshes it: the evaluator's
 * tick (server/alerts/evaluate.ts, 15 s). The dashboard and the alerts pages share this query
 * (the same `alerts.list({})` key) and refetch it on every live change.
 */
const NAV_POLL_MS = 15_000;

/** The firing (not silenced) alerts' count beside "Alerts" in the navigation; nothing at zero. */
export function AlertsNavCount() {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.alerts.list.queryOptions({}, { refetchInterval: NAV_POLL_MS, retry: false, staleTime: 5_000 }),
  );
  const firing = query.data?.firing ?? 0;
  if (firing === 0) return null;
  return (
    <span
      data-testid="nav-alert-count"
      className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-status-failed px-1.5 text-xs font-semibold text-white"
    >
      {firing}
      <span className="sr-only"> firing</span>
    </span>
  );
}
