import Link from "next/link";
import { shortId } from "../_lib/format";

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

/** An operation by its business reference (a distinguishing part of its id when it has none). */
export function OperationLink({ id, reference }: { id: string; reference: string | null }) {
  return (
    <Link
      href={`/operations/${id}`}
      className="font-medium break-all hover:underline"
      title={reference ?? id}
    >
      {reference ?? <span className="font-mono text-xs">{shortId(id)}</span>}
    </Link>
  );
}
