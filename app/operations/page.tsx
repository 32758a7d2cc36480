import type { Metadata } from "next";
import { Suspense } from "react";
import { OperationsList } from "./operations-list";
import { StartOperationForm } from "./start-operation-form";

export const metadata: Metadata = { title: "Operations" };

export default function OperationsPage() {
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section aria-labelledby="ops-heading" className="min-w-0 space-y-4">
        <h1 id="ops-heading" className="text-xl font-semibold">
          Operations
        </h1>
        <Suspense fallback={<p className="text-sm text-zinc-500">Loading operations…</p>}>
          <OperationsList />
        </Suspense>
      </section>
      <aside aria-labelledby="start-heading">
        <StartOperationForm />
      </aside>
    </div>
  );
}
