"use client";

import { useQuery } from "@tanstack/react-query";
import { AUDIT_ACTION_LABELS } from "@/server/audit/action-labels";
import { useTRPC } from "../_lib/trpc";
import { Time } from "./time";

/** An operation's audit records, newest first: who, with which role, did what, why, and what it changed. */
export function AuditHistory({ operationId }: { operationId: string }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.audit.list.queryOptions({ operationId, limit: 50 }),
    refetchInterval: 5_000,
  });
  if (query.isPending) return <p className="px-4 py-3 text-sm text-zinc-500">Loading…</p>;
  if (query.isError) return <p className="px-4 py-3 text-sm text-status-failed">{query.error.message}</p>;
  if (query.data.items.length === 0) {
    return (
      <p className="px-4 py-3 text-sm text-zinc-500 dark:text-zinc-400">
        No one has acted on this operation. Every action will be listed here, with its reason.
      </p>
    );
  }
  return (
    <ol className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Audit records">
      {query.data.items.map((r) => (
        <li key={r.seq} className="space-y-0.5 px-4 py-2.5 text-sm" data-testid="audit-entry">
          <div className="flex items-baseline justify-between gap-2">
            <span className="font-medium">
              {AUDIT_ACTION_LABELS[r.action]}
              {r.step ? <span className="font-normal text-zinc-500"> · {r.step}</span> : null}
            </span>
            <span className="shrink-0 text-xs text-zinc-500">
              <Time value={r.at} />
            </span>
          </div>
          {r.reason && <p className="text-zinc-700 dark:text-zinc-300">“{r.reason}”</p>}
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            {r.actorLabel} ({r.actorRole})
            {r.statusBefore && r.statusAfter ? ` · ${auditStatusChange(r)}` : ""}
            {r.bulkActionId ? " · bulk action" : ""} · #{r.seq}
          </p>
        </li>
      ))}
    </ol>
  );
}

/**
 * "before → after" of an audit record. A cancel or compensate that left undos to run says
 * "compensating" (and what it undoes) instead of the bare `processing` it recorded.
 */
export function auditStatusChange(r: {
  statusBefore: string | null;
  statusAfter: string | null;
  details: unknown;
}) {
  const details = r.details as { phase?: unknown; undo?: unknown } | null;
  if (details?.phase === "compensating") {
    const undo =
      Array.isArray(details.undo) && details.undo.length > 0 ? ` (undoing ${details.undo.join(", ")})` : "";
    return `${r.statusBefore} → compensating${undo}`;
  }
  return `${r.statusBefore} → ${r.statusAfter}`;
}
