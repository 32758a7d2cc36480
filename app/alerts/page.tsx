import type { Metadata } from "next";
import { Suspense } from "react";
import { AlertsList } from "./alerts-list";

export const metadata: Metadata = { title: "Alerts" };

/** `/alerts?state=firing&rule=retries_exhausted&type=order.fulfill`: the filters live in the URL. */
export default function AlertsPage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <AlertsList />
    </Suspense>
  );
}
