"use client";

import { useSyncExternalStore } from "react";

/**
 * Whether the browser has seen that the server cannot reach PostgreSQL (issue 15 hole 2): set
 * by a tRPC error typed `database_unavailable`, or by /api/health answering 503 when a page
 * failed to load; cleared when /api/health answers 200 again. One store per tab.
 */
export type DatabaseState = "reachable" | "unreachable";

let state: DatabaseState = "reachable";
const listeners = new Set<() => void>();

function set(next: DatabaseState): void {
  if (state === next) return;
  state = next;
  for (const listener of listeners) listener();
}

export const markDatabaseUnreachable = () => set("unreachable");
export const markDatabaseReachable = () => set("reachable");

export function useDatabaseState(): DatabaseState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
    () => "reachable",
  );
}

/** The server's typed outage error (server/trpc/domain-error.ts), as the tRPC client carries it. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  const data = (error as { data?: { domain?: { type?: string } | null } } | null)?.data;
  return data?.domain?.type === "database_unavailable";
}

/** Asks /api/health; true when the database answers. Network failures count as "not now". */
export async function probeDatabase(): Promise<boolean> {
  try {
    const response = await fetch("/api/health", { cache: "no-store" });
    if (response.ok) return true;
    if (response.status === 503) markDatabaseUnreachable();
    return false;
  } catch {
    return false;
  }
}
