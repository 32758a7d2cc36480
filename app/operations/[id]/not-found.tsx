"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * No operation with this id, or not one this person may see (the page calls `notFound()`, so it
 * answers 404). The id comes from the address, which is all a not-found page is given.
 */
export default function OperationNotFound() {
  const id = decodeURIComponent(usePathname().split("/").at(-1) ?? "");
  return (
    <div
      role="alert"
      className="mx-auto max-w-lg rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700"
    >
      <h1 className="text-lg font-semibold">Operation not found</h1>
      <p className="mt-1 text-sm break-all text-zinc-600 dark:text-zinc-400">
        There is no operation <code className="font-mono">{id}</code>.
      </p>
      <Link href={`/operations?q=${encodeURIComponent(id)}`} className="mt-3 inline-block text-sm underline">
        Search for it
      </Link>
    </div>
  );
}
