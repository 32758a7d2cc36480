import Link from "next/link";
import { BLOCK_KIND_LABELS } from "../_components/ui";

/** The fixed filter an inbox group or a block kind brought: which blocked operations only. */
export function BlockedByNote({
  type,
  cause,
  kind,
}: {
  type: string;
  cause: string | null;
  kind: string | null;
}) {
  const [causeKind, step] = cause?.split("~") ?? [kind];
  const label = BLOCK_KIND_LABELS[causeKind ?? ""] ?? causeKind;
  const list = cause
    ? `/inbox?${new URLSearchParams({ type, cause })}`
    : `/inbox?${new URLSearchParams({ type, kind: kind ?? "" })}`;
  return (
    <div className="space-y-1 text-sm sm:col-span-2" data-testid="bulk-blocked-by">
      <p className="font-medium">Blocked by</p>
      <p className="text-zinc-700 dark:text-zinc-300">
        {cause ? "This one cause only: " : "This kind of block only: "}
        <span className="font-medium">{label}</span>
        {step && (
          <>
            {" "}
            at <span className="font-mono">{step}</span>, same error
          </>
        )}
        .{" "}
        <Link href={list} className="whitespace-nowrap text-zinc-600 underline dark:text-zinc-400">
          See them
        </Link>
      </p>
    </div>
  );
}

/** The fixed filter a search brought: what the search box finds for its text. */
export function SearchTextNote({ type, text }: { type: string; text: string }) {
  return (
    <div className="space-y-1 text-sm sm:col-span-2" data-testid="bulk-search-text">
      <p className="font-medium">Found by the search</p>
      <p className="break-words text-zinc-700 dark:text-zinc-300">
        Only what a search for <span className="font-medium">“{text}”</span> finds (reference, email, id,
        idempotency key or error text).{" "}
        <Link
          href={`/operations?${new URLSearchParams({ q: text, type })}`}
          className="whitespace-nowrap text-zinc-600 underline dark:text-zinc-400"
        >
          See them
        </Link>
      </p>
    </div>
  );
}
