"use client";

import type { ReactNode } from "react";
import { errorText } from "./forms";
import { Empty, ErrorNote } from "./ui";

/**
 * A panel's body for one query: "Loading…" until it answers, its error if it failed, and
 * `children` with the data once it is there.
 */
export function QueryBody<T>({
  query,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; data: T | undefined };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Empty>Loading…</Empty>;
  if (query.isError) {
    return (
      <div className="p-4">
        <ErrorNote>{errorText(query.error)}</ErrorNote>
      </div>
    );
  }
  return children(query.data as T);
}
