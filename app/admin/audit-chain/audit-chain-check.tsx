"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Button, errorText } from "../../_components/forms";
import { ErrorNote, PageHeader, Panel } from "../../_components/ui";
import { useTRPC } from "../../_lib/trpc";

/** Checks every link of the audit chain and names the first broken record. */
export function AuditChainCheck() {
  const trpc = useTRPC();
  const check = useQuery({ ...trpc.audit.verify.queryOptions(), staleTime: 0, gcTime: 0 });
  return (
    <div className="space-y-5">
      <PageHeader title="Audit chain" className="space-y-1">
        Every audit record carries a SHA-256 hash of its contents and of the record before it, and the
        database refuses to change or delete records. This check recomputes the whole chain (also:{" "}
        <code className="text-xs">npm run audit:verify</code>).
      </PageHeader>
      <Panel
        id="chain"
        title="Result"
        action={
          <Button onClick={() => void check.refetch()} disabled={check.isFetching}>
            {check.isFetching ? "Checking…" : "Check again"}
          </Button>
        }
      >
        <div className="p-4 text-sm" data-testid="chain-result">
          {check.isPending ? (
            <p className="text-zinc-500">Checking every record…</p>
          ) : check.isError ? (
            <ErrorNote>{errorText(check.error)}</ErrorNote>
          ) : check.data.ok ? (
            <div className="space-y-1">
              <p className="font-medium text-status-completed-ink">
                Intact: {check.data.checked} record{check.data.checked === 1 ? "" : "s"} checked in{" "}
                {check.data.tookMs} ms.
              </p>
              {check.data.head && (
                <p className="text-xs text-zinc-500">
                  Head #{check.data.head.seq}:{" "}
                  <span className="break-all font-mono">{check.data.head.hash}</span>. Note it elsewhere to
                  notice records removed from the end later.
                </p>
              )}
            </div>
          ) : (
            <div role="alert" className="space-y-1">
              <p className="font-medium text-status-failed">
                Broken at record #{check.data.brokenSeq}: {check.data.message}
              </p>
              <p className="text-xs text-zinc-500">
                The {check.data.checked} records before it are intact.{" "}
                <Link href={`/audit?cursor=${check.data.brokenSeq + 1}`} className="underline">
                  Look at the records around it
                </Link>
                .
              </p>
            </div>
          )}
        </div>
      </Panel>
    </div>
  );
}
