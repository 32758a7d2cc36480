"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import {
  isDatabaseUnavailableError,
  markDatabaseReachable,
  markDatabaseUnreachable,
  probeDatabase,
  useDatabaseState,
} from "../_lib/database-status";

/** How often /api/health is asked while the database is away (it answers 503 within 2 s). */
const RETRY_MS = 3_000;
/**
 * How often a visible tab asks it anyway: a page kept live by its stream alone makes no query
 * that could fail, and would otherwise show old figures without a word.
 */
const WATCH_MS = 20_000;

/**
 * A banner across every page while the server cannot reach PostgreSQL: raised by any query or
 * mutation failing with the typed outage error, by a page that failed to load (app/error.tsx),
 * or by /api/health answering 503 (asked every WATCH_MS while the tab is visible); gone once /api/health answers 200, when every query is fetched again and the
 * server components are rendered anew.
 */
export function DatabaseBanner() {
  const queryClient = useQueryClient();
  const router = useRouter();
  const state = useDatabaseState();

  useEffect(() => {
    const seen = (error: unknown) => {
      if (isDatabaseUnavailableError(error)) markDatabaseUnreachable();
    };
    const queries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error") seen(event.action.error);
    });
    const mutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error") seen(event.action.error);
    });
    return () => {
      queries();
      mutations();
    };
  }, [queryClient]);

  useEffect(() => {
    if (state !== "reachable") return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void probeDatabase();
    }, WATCH_MS);
    return () => clearInterval(timer);
  }, [state]);

  useEffect(() => {
    if (state !== "unreachable") return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const retry = async () => {
      if (await probeDatabase()) {
        if (stopped) return;
        markDatabaseReachable();
        void queryClient.invalidateQueries();
        router.refresh();
        return;
      }
      if (!stopped) timer = setTimeout(retry, RETRY_MS);
    };
    timer = setTimeout(retry, RETRY_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [state, queryClient, router]);

  if (state !== "unreachable") return null;
  return (
    <div
      role="alert"
      data-testid="database-banner"
      className="border-b border-status-blocked/50 bg-status-blocked/15 text-status-blocked-ink"
    >
      <div className="mx-auto flex max-w-7xl items-start gap-2 px-4 py-2 text-sm">
        <span className="mt-1.5 size-2 shrink-0 animate-pulse rounded-full bg-status-blocked" aria-hidden />
        <p>
          <strong className="font-semibold">Throughline can&apos;t reach its database.</strong> What you see
          may be out of date, and changes can&apos;t be saved right now. Retrying…
        </p>
      </div>
    </div>
  );
}
