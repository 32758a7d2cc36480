import type { Metadata } from "next";
import { Suspense } from "react";
import { BlockedCauseList } from "./blocked-cause-list";

export const metadata: Metadata = { title: "Blocked by cause" };

/** `/inbox?type=order.fulfill&cause=…` (one inbox group) or `&kind=retries_exhausted`. */
export default function BlockedCausePage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <BlockedCauseList />
    </Suspense>
  );
}
