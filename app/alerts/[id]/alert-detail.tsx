"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowRight } from "lucide-react";
import Link from "next/link";
import { OperationLink } from "../../_components/links";
import { linesAsList, Markdown } from "../../_components/markdown";
import { StatusBadge } from "../../_components/status-badge";
import { formatDuration, Time } from "../../_components/time";
import { Breadcrumb, Empty, ErrorNote, Fact, Panel } from "../../_components/ui";
import { useTRPC } from "../../_lib/trpc";
import {
  ALERT_RULE_LABELS,
  AlertStateBadge,
  alertScopeLabel,
  alertTypeLabel,
  bulkHref,
  searchHref,
} from "../alert-ui";
import { LiveRefresh } from "../alerts-list";
import { AlertActions } from "./alert-actions";

const HISTORY_WORDS: Record<string, string> = {
  fired: "Fired",
  acknowledged: "Acknowledged",
  silenced: "Silenced",
  resolved: "Resolved",
  updated: "Updated",
};

/** One alert: what holds, the operations it names, the runbook, what to do, and its history. */
export function AlertDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.alerts.get.queryOptions({ alertId: id }, { retry: false }));
  const a = query.data;
  if (query.isError) {
    const code = (query.error as { data?: { code?: string } }).data?.code;
    return (
      <div className="space-y-3">
        <Breadcrumb href="/alerts" label="Alerts" current={id.slice(0, 8)} />
        <ErrorNote>
          {code === "NOT_FOUND" || code === "BAD_REQUEST"
            ? "There is no such alert."
            : "The alert could not be loaded. Try again in a moment."}
        </ErrorNote>
      </div>
    );
  }
  if (!a) return <p className="text-sm text-zinc-500">Loading…</p>;
  // webhook_failing is about an endpoint, not operations: its page is linked below.
  const webhook = a.rule === "webhook_failing";
  const title = `${ALERT_RULE_LABELS[a.rule]}${a.scope ? ` (${alertScopeLabel(a.rule, a.scope)})` : ""}`;
  const bulk = a.state === "resolved" ? null : bulkHref(a.affectedFilter);
  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <div className="flex items-center justify-between gap-3">
          <Breadcrumb href="/alerts" label="Alerts" current={title} />
          <LiveRefresh cursor={a.cursor} onChange={() => void query.refetch()} />
        </div>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0 space-y-1">
            <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
              {title} · {a.workflowTitle ?? alertTypeLabel(a.workflowType)}
              <AlertStateBadge state={a.state} silenced={a.silencedUntil !== null} />
            </h1>
            <p className="text-sm text-zinc-700 dark:text-zinc-300">{a.summary}</p>
          </div>
          {a.state !== "resolved" && <AlertActions alertId={a.id} state={a.state} />}
        </div>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Fact label="Fired">
            <Time value={a.firedAt} />
          </Fact>
          <Fact label="Acknowledged">
            {a.acknowledgedAt ? (
              <>
                <Time value={a.acknowledgedAt} /> by {a.acknowledgedBy}
              </>
            ) : (
              "—"
            )}
          </Fact>
          <Fact label="Silenced until">{a.silencedUntil ? <Time value={a.silencedUntil} /> : "—"}</Fact>
          <Fact label="Resolved">
            {a.resolvedAt ? (
              <>
                <Time value={a.resolvedAt} /> after{" "}
                {formatDuration(a.resolvedAt.getTime() - a.firedAt.getTime())}
              </>
            ) : (
              "not yet"
            )}
          </Fact>
        </dl>
        {a.acknowledgeNote && (
          <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800">
            <span className="font-medium">Note:</span> {a.acknowledgeNote}
          </p>
        )}
        {a.silenceReason && (
          <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800">
            <span className="font-medium">Silenced by {a.silencedBy}:</span> {a.silenceReason}
          </p>
        )}
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <Panel
          id="alert-affected"
          className="lg:col-span-2"
          title={`Affected operations: ${a.affected.count}${a.affected.count >= 1000 ? "+" : ""} (at the last evaluation)`}
          action={
            <Link
              href={webhook ? "/admin/webhooks" : searchHref(a.affectedFilter)}
              className="text-xs text-sky-700 hover:underline dark:text-sky-400"
            >
              {webhook ? "Open the webhook endpoints" : "List them all"}
            </Link>
          }
        >
          {a.affected.oldest.length === 0 ? (
            <Empty>No single operation is named by this rule.</Empty>
          ) : (
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {a.affected.oldest.map((o) => (
                <li
                  key={o.id}
                  className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-4 py-2"
                >
                  <span className="min-w-0 break-all">
                    <OperationLink id={o.id} reference={o.reference} />
                  </span>
                  <span className="flex shrink-0 items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
                    <StatusBadge status={o.status} />
                    <span>
                      last change <Time value={o.updatedAt} />
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          )}
          {bulk && (
            <div className="border-t border-zinc-100 px-4 py-3 dark:border-zinc-800">
              <Link
                href={bulk}
                className="inline-flex items-center gap-1.5 rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900"
              >
                Act on these operations <ArrowRight className="size-4" aria-hidden />
              </Link>
              <span className="ml-3 text-xs text-zinc-500 dark:text-zinc-400">
                Opens the bulk flow filtered to them: dry run, then confirm.
              </span>
            </div>
          )}
        </Panel>

        <Panel id="alert-history" title="History">
          <ol className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {a.history.map((h) => (
              <li key={h.id} className="space-y-0.5 px-4 py-2">
                <div className="flex items-baseline justify-between gap-2">
                  <span className="font-medium">{HISTORY_WORDS[h.kind] ?? h.kind}</span>
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">
                    <Time value={h.at} />
                  </span>
                </div>
                <div className="text-xs text-zinc-600 dark:text-zinc-400">
                  {h.actor}
                  {h.note ? `: ${h.note}` : ""}
                </div>
              </li>
            ))}
          </ol>
        </Panel>
      </div>

      <Panel id="alert-runbook" title="Runbook">
        <div className="px-4 py-3">
          {a.runbook ? (
            <Markdown>{linesAsList(a.runbook)}</Markdown>
          ) : (
            <Empty>No runbook for this rule.</Empty>
          )}
        </div>
      </Panel>
    </div>
  );
}
