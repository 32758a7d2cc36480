import Link from "next/link";

/**
 * "Act on these in bulk": the bulk form with this search's type, statuses, step and text as its
 * filter (the bulk dry run then freezes exactly what matches). A bulk action is for one
 * workflow type, so the link asks for one first.
 */
export function BulkFromSearch({
  type,
  statuses,
  step,
  text,
}: {
  type: string | null;
  statuses: readonly string[];
  step: string | null;
  /** The search box's text: the bulk dry run freezes what it finds (searchTextWhere). */
  text: string | null;
}) {
  if (!type) {
    return (
      <span className="text-xs text-zinc-500 dark:text-zinc-400">
        Pick a workflow type to act on these in bulk.
      </span>
    );
  }
  const params = new URLSearchParams({ type });
  for (const s of statuses) params.append("status", s);
  if (step) params.set("step", step);
  if (text) params.set("q", text);
  return (
    <Link
      href={`/bulk?${params}`}
      className="text-sm font-medium text-zinc-700 hover:underline dark:text-zinc-200"
    >
      Act on these in bulk →
    </Link>
  );
}
