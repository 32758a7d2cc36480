"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { BulkOutcome } from "@/server/domain/bulk";
import { Button, errorText } from "../../_components/forms";
import { ReasonDialog } from "../../_components/reason-dialog";
import { StatusBadge } from "../../_components/status-badge";
import { Time } from "../../_components/time";
import { ErrorNote, Fact, Panel } from "../../_components/ui";
import { useMe } from "../../_lib/me";
import type { RouterOutputs } from "../../_lib/router-types";
import { useTRPC } from "../../_lib/trpc";

const OUTCOME_TEXT: Record<BulkOutcome, string> = {
  pending: "Not yet",
  succeeded: "Done",
  already_done: "Already done",
  refused: "Not applicable",
  failed: "Error",
};
const OUTCOME_CLASS: Record<BulkOutcome, string> = {
  pending: "text-zinc-500",
  succeeded: "text-status-completed-ink",
  already_done: "text-zinc-600",
  refused: "text-status-blocked-ink",
  failed: "text-status-failed",
};

/** A bulk action's progress, its per-operation outcomes, and pause / resume / abort. */
export function BulkProgress({
  id,
  initial,
}: {
  id: string;
  initial: RouterOutputs["actions"]["bulk"]["get"];
}) {
  const trpc = useTRPC();
  const bulk = useQuery({
    ...trpc.actions.bulk.get.queryOptions({ bulkActionId: id }),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (q) =>
      q.state.data?.status === "running" || q.state.data?.status === "dry_run" ? 1_000 : false,
  });
  const me = useMe();
  const [change, setChange] = useState<"pause" | "resume" | "abort" | null>(null);
  const mutate = useMutation(
    trpc.actions.bulk.change.mutationOptions({
      onSuccess: () => {
        setChange(null);
        void bulk.refetch();
      },
    }),
  );
  if (bulk.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (bulk.isError) return <ErrorNote>{errorText(bulk.error)}</ErrorNote>;
  const b = bulk.data;
  const done = b.targetCount - b.counts.pending;
  const canAct = me?.signedIn && me.user.role !== "support";
  return (
    <div className="space-y-5">
      <header className="space-y-1">
        <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
          <Link href="/bulk" className="hover:underline">
            Bulk action
          </Link>{" "}
          / <span className="font-mono">{b.id}</span>
        </nav>
        <h1 className="text-xl font-semibold">
          {b.action}
          {b.step ? ` ${b.step}` : ""} on {b.targetCount} {b.filter.workflowType} operation
          {b.targetCount === 1 ? "" : "s"}
        </h1>
        <p className="text-zinc-600 dark:text-zinc-400">
          “{b.reason}” — {b.createdByLabel}
        </p>
      </header>
      <Panel
        id="bulk-progress"
        title={`Progress: ${b.status.replace("_", " ")}`}
        action={
          canAct && (
            <div className="flex gap-2">
              {b.status === "running" && <Button onClick={() => setChange("pause")}>Pause</Button>}
              {b.status === "paused" && (
                <Button variant="primary" onClick={() => setChange("resume")}>
                  Resume
                </Button>
              )}
              {(b.status === "running" || b.status === "paused") && (
                <Button className="text-status-failed" onClick={() => setChange("abort")}>
                  Abort
                </Button>
              )}
            </div>
          )
        }
      >
        <div className="space-y-3 p-4">
          <div
            className="h-2 overflow-hidden rounded bg-zinc-100 dark:bg-zinc-800"
            role="progressbar"
            aria-label="Operations handled"
            aria-valuemin={0}
            aria-valuemax={b.targetCount}
            aria-valuenow={done}
          >
            <div
              className="h-full bg-status-completed"
              style={{ width: `${(done / b.targetCount) * 100}%` }}
            />
          </div>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-6" data-testid="bulk-counts">
            <Fact label="Handled">
              {done} of {b.targetCount}
            </Fact>
            {(["succeeded", "already_done", "refused", "failed", "pending"] as const).map((o) => (
              <Fact key={o} label={OUTCOME_TEXT[o]}>
                {b.counts[o]}
              </Fact>
            ))}
          </dl>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Canary: first {b.canarySize} {b.canaryPassed ? "worked; the rest followed." : "go first."}
            {b.confirmedAt ? (
              <>
                {" "}
                Started <Time value={b.confirmedAt} />.
              </>
            ) : null}
            {b.finishedAt ? (
              <>
                {" "}
                Ended <Time value={b.finishedAt} />.
              </>
            ) : null}
          </p>
          {b.note && (
            <p
              role="alert"
              className="rounded-md border border-status-blocked/50 bg-status-blocked/10 px-3 py-2 text-sm"
            >
              {b.note}
            </p>
          )}
        </div>
      </Panel>
      <Panel id="bulk-targets" title="Operations">
        <div className="relative overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-zinc-500">
              <tr>
                <th className="px-4 py-2 font-medium">#</th>
                <th className="px-4 py-2 font-medium">Operation</th>
                <th className="px-4 py-2 font-medium">Now</th>
                <th className="px-4 py-2 font-medium">Outcome</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {b.targets.map((t) => (
                <tr key={t.position} data-testid="bulk-target">
                  <td className="px-4 py-1.5 font-mono text-xs text-zinc-500">
                    {t.position + 1}
                    {t.position < b.canarySize ? " · canary" : ""}
                  </td>
                  <td className="px-4 py-1.5">
                    <Link href={`/operations/${t.operationId}`} className="font-mono text-xs hover:underline">
                      {t.reference ?? t.operationId}
                    </Link>
                  </td>
                  <td className="px-4 py-1.5">
                    {t.status ? <StatusBadge status={t.status} /> : "—"}{" "}
                    <span className="text-xs text-zinc-500">{t.currentStep ?? ""}</span>
                  </td>
                  <td className={`px-4 py-1.5 ${OUTCOME_CLASS[t.outcome]}`}>
                    {OUTCOME_TEXT[t.outcome]}
                    {t.message ? <span className="text-xs text-zinc-500"> · {t.message}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      {change && (
        <ReasonDialog
          title={`${change[0]!.toUpperCase()}${change.slice(1)} this bulk action`}
          explain={
            change === "abort"
              ? "Operations not handled yet stay as they are. This cannot be undone."
              : change === "pause"
                ? "The operation in hand finishes; no further one starts until resumed."
                : b.canaryPassed
                  ? "It goes on with the operations not handled yet."
                  : "The canary did not all work: resuming goes on with the rest anyway."
          }
          confirmLabel={`${change[0]!.toUpperCase()}${change.slice(1)}`}
          danger={change === "abort"}
          mutation={mutate}
          onConfirm={(reason) => mutate.mutate({ bulkActionId: id, change, reason })}
          onClose={() => setChange(null)}
        />
      )}
    </div>
  );
}
