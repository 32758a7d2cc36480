"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Plus, Search, X } from "lucide-react";
import { useQueryStates } from "nuqs";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";
import { DateRangeFields } from "../_components/date-range-fields";
import { SEARCH_BOX_ATTRIBUTE } from "../_components/search-box";
import { FOCUS_SEARCH_HASH } from "../_components/search-shortcut";
import { Select, WorkflowTypeSelect } from "../_components/select";
import { StatusBadge } from "../_components/status-badge";
import { ErrorNote } from "../_components/ui";
import { useTRPC } from "../_lib/trpc";
import { BulkFromSearch } from "./bulk-from-search";
import { OperationsTable } from "./operations-table";
import { searchParsers, syntheticOf } from "./search-params";
import { StartOperationForm } from "./start-operation-form";

const PAGE_SIZE = 50;
const TRAFFIC = [
  { value: "synthetic", label: "Synthetic only" },
  { value: "all", label: "Real and synthetic" },
];
const control =
  "h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-950 focus:outline-2 focus:outline-offset-1 focus:outline-status-processing";

/**
 * Support search: one box (id, idempotency key, reference, customer, error text) plus
 * filters, every one of them in the URL. "/" anywhere focuses the box (SearchShortcut).
 */
export function OperationsSearch() {
  const trpc = useTRPC();
  const [params, setParams] = useQueryStates(searchParsers, { history: "push" });
  const [text, setText] = useState(params.q);
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => setText(params.q), [params.q]);
  // "/" from another page (SearchShortcut) arrives here asking for the cursor in the box.
  useEffect(() => {
    if (window.location.hash === FOCUS_SEARCH_HASH) box.current?.focus();
  }, []);

  const workflows = useQuery(trpc.workflows.summaries.queryOptions());
  const story = useQuery({
    ...trpc.workflows.story.queryOptions({ type: params.type ?? "" }),
    enabled: !!params.type,
  });
  const steps = story.data?.stories.find((s) => !params.version || s.version === params.version)?.steps ?? [];
  const versions = workflows.data?.workflows.find((w) => w.type === params.type)?.versions ?? [];

  const query = useQuery({
    ...trpc.search.operations.queryOptions({
      q: params.q || null,
      type: params.type,
      version: params.version,
      statuses: params.status,
      step: params.step,
      from: params.from,
      to: params.to,
      synthetic: syntheticOf(params.traffic),
      sort: params.sort,
      cursor: params.cursor,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });

  // Any change of filter starts again from the first page.
  const set = (patch: Partial<typeof params>) => void setParams({ ...patch, cursor: null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ q: text.trim() });
  };
  const toggleStatus = (s: OperationStatus) =>
    set({ status: params.status.includes(s) ? params.status.filter((x) => x !== s) : [...params.status, s] });
  const filtered =
    params.q ||
    params.type ||
    params.status.length ||
    params.step ||
    params.from ||
    params.to ||
    params.traffic !== "real";

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Operations</h1>
        <details className="group relative">
          <summary className="inline-flex cursor-pointer list-none items-center gap-1.5 rounded-md border border-zinc-300 px-2.5 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
            <Plus className="size-4" aria-hidden /> Start an operation
          </summary>
          <div className="absolute right-0 z-20 mt-2 w-[24rem] rounded-lg border border-zinc-200 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
            <StartOperationForm />
          </div>
        </details>
      </div>

      <search>
        <form onSubmit={submit} className="flex gap-2">
          <label className="relative min-w-0 flex-1">
            <span className="sr-only">Search operations</span>
            <Search
              className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-zinc-400"
              aria-hidden
            />
            <input
              ref={box}
              {...{ [SEARCH_BOX_ATTRIBUTE]: "" }}
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape" && text) {
                  e.preventDefault();
                  setText("");
                  set({ q: "" });
                }
              }}
              placeholder="Operation id, reference, customer email or id, idempotency key, error text…   ( / )"
              className={`${control} h-10 w-full pl-8 text-base`}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <button
            type="submit"
            className="h-10 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900"
          >
            Search
          </button>
        </form>
      </search>

      <fieldset className="flex flex-wrap items-end gap-x-4 gap-y-2 text-sm">
        <legend className="sr-only">Filters</legend>
        <fieldset className="flex flex-wrap items-center gap-1.5">
          <legend className="sr-only">Status</legend>
          {OPERATION_STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={params.status.includes(s)}
              onClick={() => toggleStatus(s)}
              className={`rounded-full ${params.status.includes(s) ? "outline-2 outline-offset-1 outline-zinc-700 dark:outline-zinc-300" : "hover:outline-1 hover:outline-offset-1 hover:outline-zinc-400"}`}
            >
              <StatusBadge status={s} />
            </button>
          ))}
        </fieldset>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Type</span>
          <WorkflowTypeSelect
            workflows={workflows.data?.workflows}
            emptyLabel="Any type"
            className={control}
            value={params.type ?? ""}
            onChange={(e) => set({ type: e.target.value || null, version: null, step: null })}
          />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Version</span>
          <Select
            className={control}
            value={params.version ?? ""}
            disabled={!params.type}
            onChange={(e) => set({ version: e.target.value ? Number(e.target.value) : null })}
            emptyLabel="Any"
            options={versions.map((v) => ({ value: v.version, label: `v${v.version}` }))}
          />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Current step</span>
          <Select
            className={control}
            value={params.step ?? ""}
            disabled={!params.type}
            onChange={(e) => set({ step: e.target.value || null })}
            emptyLabel="Any"
            options={steps.map((s) => ({ value: s.name, label: s.title }))}
          />
        </label>
        <DateRangeFields
          labels={{ from: "Accepted from", to: "to" }}
          value={params}
          onChange={set}
          labelClassName="flex flex-col gap-0.5"
          captionClassName="text-xs text-zinc-500 dark:text-zinc-400"
          inputClassName={control}
        />
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Traffic</span>
          <Select
            className={control}
            value={params.traffic === "real" ? "" : params.traffic}
            onChange={(e) =>
              set({ traffic: e.target.value === "" ? "real" : (e.target.value as "synthetic" | "all") })
            }
            emptyLabel="Real only"
            options={TRAFFIC}
          />
        </label>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setText("");
              void setParams(null);
            }}
            className="inline-flex h-8 items-center gap-1 rounded-md px-2 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            <X className="size-4" aria-hidden /> Clear
          </button>
        )}
      </fieldset>

      {query.data && !query.isError && (
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <p
            className="text-sm text-zinc-600 dark:text-zinc-400"
            data-testid="search-total"
            aria-live="polite"
          >
            {totalText(query.data.total)}
          </p>
          {query.data.total.count > 0 && (
            <BulkFromSearch
              type={params.type}
              statuses={params.status}
              step={params.step}
              text={params.q || null}
            />
          )}
        </div>
      )}
      {query.isError ? (
        <ErrorNote>Could not search: {query.error.message}</ErrorNote>
      ) : (
        <OperationsTable
          rows={query.data?.rows ?? null}
          loading={query.isFetching}
          sort={params.sort}
          onSort={(sort) => set({ sort })}
          next={query.data?.next ?? null}
          onNext={(cursor) => void setParams({ cursor })}
          onFirst={params.cursor ? () => void setParams({ cursor: null }) : null}
          searched={params.q}
        />
      )}
    </div>
  );
}

/** "1 operation", "42 operations", "More than 1,000 operations" (counting stops at a bound). */
function totalText(total: { count: number; atLeast: boolean }): string {
  const n = total.count.toLocaleString("en");
  if (total.atLeast) return `More than ${n} operations`;
  return total.count === 1 ? "1 operation" : `${n} operations`;
}
