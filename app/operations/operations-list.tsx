"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";
import { StatusBadge } from "../_components/status-badge";
import { Time } from "../_components/time";
import { useTRPC } from "../_lib/trpc";

const PAGE_SIZE = 25;

export function OperationsList() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const statusParam = params.get("status");
  const status = OPERATION_STATUSES.includes(statusParam as OperationStatus)
    ? (statusParam as OperationStatus)
    : undefined;
  const query = useInfiniteQuery(
    trpc.operations.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, status },
      { getNextPageParam: (last) => last.next ?? undefined, refetchInterval: 3_000 },
    ),
  );
  if (query.isPending) return <p className="text-sm text-zinc-500">Loading operations…</p>;
  if (query.isError) return <p role="alert">Could not load operations: {query.error.message}</p>;
  const items = query.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <p className="rounded-lg border border-dashed p-8 text-center text-sm text-zinc-500">No operations yet.</p>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="px-3 py-2 font-medium">Status</th>
            <th className="px-3 py-2 font-medium">Type</th>
            <th className="px-3 py-2 font-medium">Reference</th>
            <th className="px-3 py-2 font-medium">Subject</th>
            <th className="px-3 py-2 font-medium">Accepted</th>
          </tr>
        </thead>
        <tbody>
          {items.map((op) => (
            <tr key={op.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
              <td className="px-3 py-2">
                <StatusBadge status={op.status} />
              </td>
              <td className="px-3 py-2 font-mono text-xs">
                <Link href={`/operations/${op.id}`} className="hover:underline">
                  {op.type} v{op.version}
                </Link>
              </td>
              <td className="px-3 py-2">{op.reference ?? "—"}</td>
              <td className="px-3 py-2">{op.subject ?? "—"}</td>
              <td className="px-3 py-2 text-zinc-500">
                <Time value={op.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {query.hasNextPage && (
        <button
          type="button"
          onClick={() => query.fetchNextPage()}
          className="w-full border-t border-zinc-200 py-2 text-sm text-zinc-600 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800"
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
