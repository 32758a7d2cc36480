import type { Metadata } from "next";
import { Suspense } from "react";
import { OperationsSearch } from "./operations-search";

export const metadata: Metadata = { title: "Operations" };

export default function OperationsPage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading operations…</p>}>
      <OperationsSearch />
    </Suspense>
  );
}
