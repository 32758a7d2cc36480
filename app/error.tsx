"use client";

import { useRouter } from "next/navigation";
import { startTransition, useEffect, useRef } from "react";
import { probeDatabase, useDatabaseState } from "./_lib/database-status";

/**
 * A page that failed to render (a server component's read threw). Production hides the reason,
 * so /api/health is asked: during a database outage the banner explains it, and the page is
 * rendered again by itself once the database is back.
 */
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const state = useDatabaseState();
  const wasDown = useRef(false);

  useEffect(() => {
    void probeDatabase();
  }, []);
  useEffect(() => {
    if (state === "unreachable") wasDown.current = true;
    else if (wasDown.current) {
      wasDown.current = false;
      startTransition(() => {
        router.refresh();
        reset();
      });
    }
  }, [state, router, reset]);

  return (
    <div role="alert" className="mx-auto mt-12 max-w-md rounded-lg border border-dashed p-8 text-center">
      <h1 className="text-lg font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {state === "unreachable"
          ? "It will load by itself as soon as the database answers again."
          : "Something went wrong on our side. Try again in a moment."}
      </p>
      <button
        type="button"
        onClick={() =>
          startTransition(() => {
            router.refresh();
            reset();
          })
        }
        className="mt-4 rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        Try again
      </button>
    </div>
  );
}
