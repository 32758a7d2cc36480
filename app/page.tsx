import type { Metadata } from "next";
import { Suspense } from "react";
import { DashboardLive } from "./_components/dashboard/dashboard-live";
import { serverCaller } from "./_lib/server-caller";

export const metadata: Metadata = { title: "Operations overview" };
export const dynamic = "force-dynamic";

/**
 * The shell paints at once and the first read streams in behind it (same layout, so
 * nothing moves); from then on the page is kept live in the browser.
 */
export default function OverviewPage() {
  return (
    <Suspense fallback={<DashboardSkeleton />}>
      <DashboardData />
    </Suspense>
  );
}

async function DashboardData() {
  const initial = await serverCaller().dashboard.get();
  return <DashboardLive initial={initial} />;
}

function DashboardSkeleton() {
  const block =
    "animate-pulse rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900";
  return (
    <div className="space-y-5" aria-busy="true">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-xl font-semibold">Operations overview</h1>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">Loading…</span>
      </div>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className={`${block} h-[84px]`} />
        ))}
      </div>
      <div className="grid gap-5 lg:grid-cols-3">
        <div className={`${block} h-80 lg:col-span-2`} />
        <div className={`${block} h-80`} />
      </div>
    </div>
  );
}
