import type { ReactNode } from "react";
import { currentStaff } from "../_lib/server-caller";

export const dynamic = "force-dynamic";

/** Admin pages: people, API keys, the audit chain. The procedures check the role again. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const staff = await currentStaff();
  if (staff?.role !== "admin") {
    return (
      <div role="alert" className="mx-auto mt-12 max-w-md rounded-lg border border-dashed p-8 text-center">
        <h1 className="text-lg font-semibold">Admins only</h1>
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
          People, roles and API keys are managed by admins. Ask one if you need a change.
        </p>
      </div>
    );
  }
  return children;
}
