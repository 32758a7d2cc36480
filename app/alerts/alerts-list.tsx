"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import { ALERT_RULES, ALERT_STATES } from "@/server/domain/alerts";
import { inputClass } from "../_components/forms";
import { LiveIndicator } from "../_components/live-indicator";
import { Select, WorkflowTypeSelect } from "../_components/select";
import { Empty, ErrorNote, PageHeader, Panel } from "../_components/ui";
import { useLiveChanges } from "../_lib/live";
import { useTRPC } from "../_lib/trpc";
import { ALERT_RULE_LABELS, AlertListItem } from "./alert-ui";

const parsers = {
  state: parseAsStringLiteral(ALERT_STATES),
  rule: parseAsStringLiteral(ALERT_RULES),
  type: parseAsString,
};

/** Firing and acknowledged alerts, then the last week's resolved ones; refreshed live. */
export function AlertsList() {
  const trpc = useTRPC();
  const [filter, setFilter] = useQueryStates(parsers, { history: "push" });
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  const query = useQuery({ ...trpc.alerts.list.queryOptions(filter), placeholderData: keepPreviousData });
  const d = query.data;
  const silenced = d && d.silenced > 0 ? `, ${d.silenced} silenced` : "";
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <PageHeader title="Alerts">
          {d ? `${d.firing} firing, ${d.acknowledged} acknowledged${silenced}. ` : ""}
          An alert resolves by itself when its condition clears.
        </PageHeader>
        <div className="flex items-center gap-4">
          <Link
            href="/alerts/rules"
            className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400"
          >
            Rules and thresholds
          </Link>
          {d && <LiveRefresh cursor={d.cursor} onChange={() => void query.refetch()} />}
        </div>
      </div>

      <form aria-label="Filter alerts" className="flex flex-wrap gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">State</span>
          <Select
            id="alerts-state"
            value={filter.state ?? ""}
            onChange={(e) => void setFilter({ state: (e.target.value || null) as typeof filter.state })}
            className={inputClass}
            emptyLabel="Open and recent"
            options={ALERT_STATES.map((s) => ({ value: s, label: s }))}
          />
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Rule</span>
          <Select
            id="alerts-rule"
            value={filter.rule ?? ""}
            onChange={(e) => void setFilter({ rule: (e.target.value || null) as typeof filter.rule })}
            className={inputClass}
            emptyLabel="Any rule"
            options={ALERT_RULES.map((r) => ({ value: r, label: ALERT_RULE_LABELS[r] }))}
          />
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Workflow type</span>
          <WorkflowTypeSelect
            id="alerts-type"
            value={filter.type ?? ""}
            onChange={(e) => void setFilter({ type: e.target.value || null })}
            className={inputClass}
            emptyLabel="Any type"
            workflows={workflows.data?.workflows}
          />
        </label>
      </form>

      {query.isError && <ErrorNote>Alerts could not be loaded. Try again in a moment.</ErrorNote>}
      {d && filter.state !== "resolved" && (
        <Panel id="alerts-open" title={`Open (${d.open.length})`}>
          {d.open.length === 0 ? (
            <Empty>Nothing is firing{filter.rule || filter.type ? " for this filter" : ""}.</Empty>
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {d.open.map((a) => (
                <AlertListItem key={a.id} alert={a} />
              ))}
            </ul>
          )}
        </Panel>
      )}
      {d && (!filter.state || filter.state === "resolved") && (
        <Panel id="alerts-resolved" title="Resolved in the last 7 days">
          {d.resolved.length === 0 ? (
            <Empty>No alert resolved in the last 7 days.</Empty>
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {d.resolved.map((a) => (
                <AlertListItem key={a.id} alert={a} />
              ))}
            </ul>
          )}
        </Panel>
      )}
    </div>
  );
}

/** Mounted once the first read has its feed cursor: the live stream starts from there. */
export function LiveRefresh({ cursor, onChange }: { cursor: string; onChange: () => void }) {
  return <LiveIndicator status={useLiveChanges(cursor, onChange)} />;
}
