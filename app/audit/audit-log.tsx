"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import {
  parseAsInteger,
  parseAsIsoDateTime,
  parseAsString,
  parseAsStringLiteral,
  useQueryStates,
} from "nuqs";
import { type FormEvent, useMemo } from "react";
import { AUDIT_ACTION_LABELS } from "@/server/audit/action-labels";
import { AUDIT_ACTIONS } from "@/server/domain/audit-actions";
import { auditStatusChange } from "../_components/audit-history";
import { DateRangeFields } from "../_components/date-range-fields";
import { Button, inputClass } from "../_components/forms";
import { QueryBody } from "../_components/query-body";
import { Select, WorkflowTypeSelect } from "../_components/select";
import { Time } from "../_components/time";
import { Empty, Panel, PlainTable } from "../_components/ui";
import { fromLocalInput } from "../_lib/format";
import { useTRPC } from "../_lib/trpc";

/** Every filter lives in the URL, so a view of the audit history is a link to share. */
const filterParsers = {
  actor: parseAsString,
  action: parseAsStringLiteral(AUDIT_ACTIONS),
  workflowType: parseAsString,
  from: parseAsIsoDateTime,
  to: parseAsIsoDateTime,
  cursor: parseAsInteger,
};

const PAGE = 50;
const ACTION_OPTIONS = AUDIT_ACTIONS.map((a) => ({ value: a, label: AUDIT_ACTION_LABELS[a] }));
/** The records table's columns, in order (the cells below follow it). */
const RECORD_COLUMNS = ["#", "When", "Who", "Action", "Target", "Reason", "Status", "From"];

export function AuditLog() {
  const trpc = useTRPC();
  const [filters, setFilters] = useQueryStates(filterParsers);
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  const filter = useMemo(
    () => ({
      actor: filters.actor ?? undefined,
      action: filters.action ?? undefined,
      workflowType: filters.workflowType ?? undefined,
      from: filters.from ?? undefined,
      to: filters.to ?? undefined,
    }),
    [filters],
  );
  const records = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filter, limit: PAGE },
      {
        initialCursor: filters.cursor ?? undefined,
        getNextPageParam: (last) => last.next ?? undefined,
      },
    ),
  );

  const exportHref = useMemo(() => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) {
      if (v instanceof Date) params.set(k, v.toISOString());
      else if (v) params.set(k, v);
    }
    return `/api/audit/export?${params}`;
  }, [filter]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void setFilters({
      actor: String(data.get("actor") ?? "").trim() || null,
      action: (String(data.get("action") ?? "") || null) as (typeof AUDIT_ACTIONS)[number] | null,
      workflowType: String(data.get("workflowType") ?? "") || null,
      from: fromLocalInput(data.get("from")),
      to: fromLocalInput(data.get("to")),
      cursor: null,
    });
  }

  const items = records.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Audit</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Every action by a person or an API key, with its reason, in order. Records are append-only and
            hash-chained.
          </p>
        </div>
        <a href={exportHref} className="text-sm underline" download>
          Export CSV
        </a>
      </header>
      <form
        onSubmit={apply}
        key={JSON.stringify(filters)}
        className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6 dark:border-zinc-800 dark:bg-zinc-900"
        aria-label="Audit filters"
      >
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Actor</span>
          <input
            name="actor"
            defaultValue={filters.actor ?? ""}
            placeholder="email or key prefix"
            className={inputClass}
          />
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Action</span>
          <Select
            name="action"
            defaultValue={filters.action ?? ""}
            className={inputClass}
            emptyLabel="Any"
            options={ACTION_OPTIONS}
          />
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Workflow type</span>
          <WorkflowTypeSelect
            workflows={workflows.data?.workflows}
            emptyLabel="Any"
            name="workflowType"
            defaultValue={filters.workflowType ?? ""}
            className={inputClass}
          />
        </label>
        <DateRangeFields
          labels={{ from: "From", to: "To" }}
          value={filters}
          labelClassName="space-y-1 text-sm"
          captionClassName="block font-medium"
          inputClassName={inputClass}
        />
        <div className="flex items-end gap-2">
          <Button type="submit" variant="primary">
            Filter
          </Button>
          <Button
            onClick={() =>
              void setFilters({
                actor: null,
                action: null,
                workflowType: null,
                from: null,
                to: null,
                cursor: null,
              })
            }
          >
            Clear
          </Button>
        </div>
      </form>
      <Panel id="records" title="Records">
        <QueryBody query={records}>
          {() =>
            items.length === 0 ? (
              <Empty>No record matches these filters.</Empty>
            ) : (
              <PlainTable columns={RECORD_COLUMNS} alignTop>
                {items.map((r) => (
                  <tr key={r.seq} data-testid="audit-row">
                    <td className="px-4 py-2 font-mono text-xs text-zinc-500">{r.seq}</td>
                    <td className="whitespace-nowrap px-4 py-2 text-xs">
                      <Time value={r.at} />
                      <div className="text-zinc-500">
                        {r.at.toISOString().slice(0, 19).replace("T", " ")} UTC
                      </div>
                    </td>
                    <td className="px-4 py-2">
                      <div>{r.actorLabel}</div>
                      <div className="text-xs text-zinc-500">{r.actorRole}</div>
                    </td>
                    <td className="px-4 py-2">{AUDIT_ACTION_LABELS[r.action]}</td>
                    <td className="px-4 py-2 text-xs">
                      {r.operationId ? (
                        <Link href={`/operations/${r.operationId}`} className="font-mono hover:underline">
                          {r.operationId.slice(0, 8)}…
                        </Link>
                      ) : null}
                      {r.step ? <div>step {r.step}</div> : null}
                      {r.workflowType ? <div className="text-zinc-500">{r.workflowType}</div> : null}
                      {targetOf(r.details)}
                      {r.bulkActionId ? (
                        <Link href={`/bulk/${r.bulkActionId}`} className="hover:underline">
                          bulk action →
                        </Link>
                      ) : null}
                    </td>
                    <td className="max-w-xs px-4 py-2">
                      {r.reason ?? <span className="text-zinc-400">—</span>}
                    </td>
                    <td className="whitespace-nowrap px-4 py-2 text-xs">
                      {r.statusBefore && r.statusAfter ? auditStatusChange(r) : ""}
                    </td>
                    <td className="px-4 py-2 text-xs text-zinc-500">{r.clientAddress ?? ""}</td>
                  </tr>
                ))}
              </PlainTable>
            )
          }
        </QueryBody>
        {records.hasNextPage && (
          <div className="border-t border-zinc-100 p-3 text-center dark:border-zinc-800">
            <Button onClick={() => void records.fetchNextPage()} disabled={records.isFetchingNextPage}>
              {records.isFetchingNextPage ? "Loading…" : "Older records"}
            </Button>
          </div>
        )}
      </Panel>
    </div>
  );
}

/** People and keys an admin record is about (details are free-form per action). */
function targetOf(details: unknown) {
  const d = (details ?? {}) as Record<string, unknown>;
  const who =
    typeof d.email === "string" ? d.email : typeof d.prefix === "string" ? `key ${d.prefix}…` : null;
  if (!who) return null;
  const change = typeof d.from === "string" && typeof d.to === "string" ? ` (${d.from} → ${d.to})` : "";
  return (
    <div>
      {who}
      {change}
    </div>
  );
}
