import Link from "next/link";

/** A workflow's title linking to its page, with its type name under it. */
export function WorkflowTitle({ type, title }: { type: string; title: string }) {
  return (
    <>
      <Link href={`/workflows/${encodeURIComponent(type)}`} className="font-medium hover:underline">
        {title}
      </Link>
      <div className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{type}</div>
    </>
  );
}

/** An operation by its business reference (its id's first characters when it has none). */
export function OperationLink({ id, reference }: { id: string; reference: string | null }) {
  return (
    <Link href={`/operations/${id}`} className="font-medium hover:underline">
      {reference ?? id.slice(0, 8)}
    </Link>
  );
}
