"use client";

import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import Link from "next/link";
import type { SearchSort } from "@/server/presenters/search/search-sorts";
import { StatusBadge } from "../_components/status-badge";
import { Time } from "../_components/time";
import { Empty } from "../_components/ui";
import { shortId } from "../_lib/format";
import type { RouterOutputs } from "../_lib/router-types";

type Row = RouterOutputs["search"]["operations"]["rows"][number];

const MATCHED: Record<NonNullable<Row["matched"]>, string> = {
  id: "id",
  reference: "reference",
  subject: "customer",
  idempotency_key: "idempotency key",
  error: "error text",
};

const col = createColumnHelper<Row>();

const columns = [
  col.accessor("status", {
    header: "Status",
    cell: (c) => <StatusBadge status={c.getValue()} />,
    enableSorting: false,
  }),
  col.accessor("reference", {
    header: "Operation",
    enableSorting: false,
    cell: (c) => {
      const r = c.row.original;
      return (
        <div className="min-w-0">
          <Link href={`/operations/${r.id}`} className="font-medium break-all hover:underline" title={r.id}>
            {r.reference ?? <span className="font-mono text-xs">{shortId(r.id)}</span>}
          </Link>
          {r.synthetic && (
            <span className="ml-1.5 rounded bg-zinc-100 px-1 text-[10px] uppercase text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
              synthetic
            </span>
          )}
          <div className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">
            {r.type} v{r.version}
          </div>
        </div>
      );
    },
  }),
  col.accessor("subject", {
    header: "Customer",
    enableSorting: false,
    cell: (c) => <span className="break-all">{c.getValue() ?? "—"}</span>,
  }),
  col.display({
    id: "where",
    header: "Where / why",
    cell: (c) => {
      const r = c.row.original;
      return (
        <div className="max-w-[22rem] min-w-0 text-xs">
          {r.currentStepTitle && (
            <div className="text-zinc-700 dark:text-zinc-300">at {r.currentStepTitle}</div>
          )}
          {r.problem && (
            <div className="truncate text-zinc-500 dark:text-zinc-400" title={r.problem}>
              {r.problem}
            </div>
          )}
          {r.matched && r.matched !== "reference" && (
            <div className="text-zinc-500 dark:text-zinc-400">matched by {MATCHED[r.matched]}</div>
          )}
        </div>
      );
    },
  }),
  col.accessor("createdAt", {
    id: "accepted",
    header: "Accepted",
    cell: (c) => <Time value={c.getValue()} />,
  }),
  col.accessor("completedAt", {
    id: "finished",
    header: "Finished",
    cell: (c) => <Time value={c.getValue()} />,
  }),
];

function sortState(sort: SearchSort) {
  const [id, dir] = sort.split("_") as ["accepted" | "finished", "asc" | "desc"];
  return [{ id, desc: dir === "desc" }];
}

/** Results, sortable by acceptance or finish time; pages follow a keyset cursor. */
export function OperationsTable(props: {
  rows: Row[] | null;
  loading: boolean;
  sort: SearchSort;
  onSort: (sort: SearchSort) => void;
  next: string | null;
  onNext: (cursor: string) => void;
  onFirst: (() => void) | null;
  searched: string;
}) {
  const table = useReactTable({
    data: props.rows ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    state: { sorting: sortState(props.sort) },
    getRowId: (r) => r.id,
  });
  const current = sortState(props.sort)[0]!;
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm" aria-busy={props.loading}>
          <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sortable = h.column.id === "accepted" || h.column.id === "finished";
                  const active = current.id === h.column.id;
                  const Icon = active ? (current.desc ? ArrowDown : ArrowUp) : ArrowUpDown;
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      className="px-3 py-2 font-medium whitespace-nowrap"
                      aria-sort={active ? (current.desc ? "descending" : "ascending") : undefined}
                    >
                      {sortable ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100"
                          onClick={() =>
                            props.onSort(
                              `${h.column.id as "accepted" | "finished"}_${active && current.desc ? "asc" : "desc"}`,
                            )
                          }
                        >
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          <Icon className="size-3.5" aria-hidden />
                        </button>
                      ) : (
                        flexRender(h.column.columnDef.header, h.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className={props.loading && props.rows ? "opacity-60" : ""}>
            {props.rows === null
              ? Array.from({ length: 8 }, (_, i) => (
                  <tr key={i} className="border-b border-zinc-100 dark:border-zinc-800">
                    <td colSpan={columns.length} className="px-3 py-3">
                      <div className="h-4 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                    </td>
                  </tr>
                ))
              : table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    data-testid="operation-row"
                    className="border-b border-zinc-100 align-top last:border-0 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800/50"
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className="px-3 py-2">
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
          </tbody>
        </table>
      </div>
      {props.rows?.length === 0 && (
        <Empty>
          {props.searched ? (
            <>
              No operation matches <strong>“{props.searched}”</strong>. Try the full reference, the customer's
              email, an operation id or a few words of the error.
            </>
          ) : (
            "No operations match these filters."
          )}
        </Empty>
      )}
      {(props.next || props.onFirst) && (
        <nav
          aria-label="Pages"
          className="flex justify-between border-t border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800"
        >
          {props.onFirst ? (
            <button
              type="button"
              onClick={props.onFirst}
              className="text-zinc-600 hover:underline dark:text-zinc-300"
            >
              ← First page
            </button>
          ) : (
            <span />
          )}
          {props.next && (
            <button
              type="button"
              onClick={() => props.onNext(props.next!)}
              className="text-zinc-600 hover:underline dark:text-zinc-300"
            >
              Next page →
            </button>
          )}
        </nav>
      )}
    </div>
  );
}
