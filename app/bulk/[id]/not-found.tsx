"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** No bulk action with this id (the page calls `notFound()`, so it answers 404). */
export default function BulkActionNotFound() {
  const id = decodeURIComponent(usePathname().split("/").at(-1) ?? "");
  return (
    <div
      role="alert"
      className="mx-auto max-w-lg rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700"
    >
      <h1 className="text-lg font-semibold">No such bulk action</h1>
      <p className="mt-1 text-sm break-all text-zinc-600 dark:text-zinc-400">
        There is no bulk action <code className="font-mono">{id}</code>.
      </p>
      <Link href="/bulk" className="mt-3 inline-block text-sm underline">
        All bulk actions
      </Link>
    </div>
  );
}
