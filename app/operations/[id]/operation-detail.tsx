"use client";

import { useQuery } from "@tanstack/react-query";
import { BookOpen, ExternalLink, History, ShieldCheck, Wrench } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { AuditHistory } from "../../_components/audit-history";
import { LiveIndicator } from "../../_components/live-indicator";
import { linesAsList, Markdown } from "../../_components/markdown";
import { OperationActions } from "../../_components/operation-actions";
import { StatusBadge } from "../../_components/status-badge";
import { absolute, formatDuration, Time } from "../../_components/time";
import { BLOCK_KIND_LABELS, Breadcrumb, Empty, Fact, IconTitle, Panel } from "../../_components/ui";
import { shortId } from "../../_lib/format";
import { type LiveEventInfo, useLiveOperation } from "../../_lib/live";
import { useTRPC } from "../../_lib/trpc";
import type { Detail } from "./detail";
import { EndUserWaitNote } from "./end-user-wait";
import { HopsView } from "./hops-view";
import { StagesView } from "./stages-view";
import { TimelineView } from "./timeline-view";
import { WaitsView } from "./waits-view";

/** One operation for staff: live while it runs. */
export function OperationDetail({ initial }: { initial: Detail }) {
  const trpc = useTRPC();
  const id = initial.operation.id;
  const query = useQuery({
    ...trpc.search.operation.queryOptions({ id }),
    initialData: initial,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [visible, setVisible] = useState<Map<number, number>>(() => new Map());
  const [fresh, setFresh] = useState<Set<number>>(() => new Set());
  // Events the live stream delivered before the refetch that details them: shown at once.
  const [arrived, setArrived] = useState<LiveEventInfo[]>([]);
  const live = useLiveOperation(id, initial.cursor, (events: LiveEventInfo[]) => {
    void query.refetch();
    if (events.length === 0) return;
    setVisible((prev) => {
      const next = new Map(prev);
      for (const e of events) next.set(e.id, Math.max(0, e.receivedAt - e.at.getTime()));
      return next;
    });
    setFresh(new Set(events.map((e) => e.id)));
    setArrived((prev) => [...prev, ...events]);
  });
  const d = query.data;
  const op = d.operation;
  const known = new Set(d.timeline.map((e) => e.id));
  const pending = arrived.filter((e) => !known.has(e.id));
  useEffect(() => {
    if (arrived.length > 0 && arrived.every((e) => known.has(e.id))) setArrived([]);
  });

  return (
    <div className="space-y-5">
      <header className="space-y-2">
        <Breadcrumb href="/operations" label="Operations" current={op.id} />
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="min-w-0 text-xl font-semibold break-words">{op.reference ?? op.title}</h1>
          <StatusBadge status={op.status} />
          <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
            {op.type} v{op.version}
          </span>
          {op.synthetic && (
            <span className="rounded bg-zinc-100 px-1.5 text-[10px] uppercase text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
              synthetic
            </span>
          )}
          <span className="ml-auto">
            <LiveIndicator status={live} />
          </span>
        </div>
        <p className="text-zinc-700 dark:text-zinc-300" data-testid="status-text">
          {op.statusText}
        </p>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Customer" wrap>
            {op.subject ? (
              <Link href={`/operations?q=${encodeURIComponent(op.subject)}`} className="hover:underline">
                {op.subject}
              </Link>
            ) : (
              "—"
            )}
          </Fact>
          <Fact label="Accepted">
            <Time value={op.createdAt} />
          </Fact>
          <Fact label="Last change">
            <Time value={op.updatedAt} />
          </Fact>
          <Fact label={op.status === "failed" ? "Failed" : "Completed"} wrap>
            {op.completedAt ? (
              <>
                <Time value={op.completedAt} />{" "}
                <span className="text-zinc-500">
                  ({formatDuration(op.completedAt.getTime() - op.createdAt.getTime())})
                </span>
              </>
            ) : (
              "—"
            )}
          </Fact>
          <Fact label="Submitted by" wrap>
            <span className="font-mono text-xs">{op.submittedBy}</span>
          </Fact>
          <Fact label="Trace id" wrap>
            <span className="font-mono text-xs" data-testid="trace-id">
              {op.traceId}
            </span>
          </Fact>
        </dl>
      </header>

      {op.blocked && (
        <div
          role="note"
          className="rounded-lg border border-status-blocked/50 bg-status-blocked/10 px-4 py-3 text-sm"
        >
          <p className="font-medium">Blocked: {BLOCK_KIND_LABELS[op.blocked.kind] ?? op.blocked.kind}</p>
          <p className="mt-0.5 break-words">{op.blocked.reason}</p>
          <p className="mt-1">
            <span className="font-medium">Action required:</span> {op.blocked.actionRequired}
          </p>
        </div>
      )}
      <EndUserWaitNote operationId={op.id} blocked={op.blocked?.kind === "awaiting_end_user"} />
      {op.status === "failed" && op.error && (
        <div
          role="note"
          className="rounded-lg border border-status-failed/50 bg-status-failed/10 px-4 py-3 text-sm"
        >
          <p className="font-medium">
            Failed
            {op.error.step
              ? ` at ${d.steps.find((s) => s.name === op.error?.step)?.title ?? op.error.step}`
              : ""}
            {op.error.code ? ` (${op.error.code})` : ""}
          </p>
          <p className="mt-0.5 break-words">{op.error.message}</p>
        </div>
      )}

      <StagesView steps={d.steps} waits={d.waits} />
      <WaitsView detail={d} />

      <div className="grid gap-5 lg:grid-cols-3">
        {/* min-w-0: a grid item is as wide as its widest line by default, which on a phone
            pushed the timeline past the screen. */}
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <TimelineView detail={d} pending={pending} visible={visible} fresh={fresh} />
          <HopsView segments={d.segments} visible={visible} />
        </div>
        <div className="min-w-0 space-y-5">
          <Panel id="actions" title={<IconTitle icon={Wrench}>Actions</IconTitle>}>
            <OperationActions operationId={op.id} />
          </Panel>
          <Panel id="idempotency" title="Idempotency record">
            <dl className="grid grid-cols-1 gap-2 px-4 py-3">
              <Fact label="Key (scoped to the caller)">
                {d.idempotency.key ? (
                  <span className="font-mono text-xs">{d.idempotency.key}</span>
                ) : (
                  <span className="text-zinc-500">No key was sent</span>
                )}
              </Fact>
              <Fact label="Request fingerprint (SHA-256)">
                <span className="font-mono text-xs" title={d.idempotency.requestHash}>
                  {d.idempotency.requestHash.slice(0, 24)}…
                </span>
              </Fact>
              <Fact label="First answer">
                {d.idempotency.firstAnswer.statusCode} Accepted ·{" "}
                <Time value={d.idempotency.firstAnswer.at} />
              </Fact>
              <Fact label="Replays (same key, same request)">
                {d.idempotency.replays.length === 0
                  ? "None"
                  : `${d.idempotency.replays.length}, last ${absolute(d.idempotency.replays.at(-1)!.at)}`}
              </Fact>
              <Fact label="Refused conflicts (same key, other request)">
                {d.idempotency.conflicts.length === 0
                  ? "None"
                  : d.idempotency.conflicts.map((c) => (
                      <div key={c.at.toISOString()} className="text-xs">
                        {absolute(c.at)} by <span className="font-mono">{c.actor}</span>
                      </div>
                    ))}
              </Fact>
            </dl>
          </Panel>
          <Panel id="input" title="Input">
            <Json value={op.input} />
          </Panel>
          {op.status === "completed" && (
            <Panel id="result" title="Result">
              <Json value={op.result} />
            </Panel>
          )}
          <Panel id="related" title="Customer's other operations">
            {d.related.length === 0 ? (
              <Empty>{op.subject ? "None." : "No customer on this operation."}</Empty>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
                {d.related.map((r) => (
                  <li key={r.id} className="flex items-center justify-between gap-2 px-4 py-1.5">
                    <Link href={`/operations/${r.id}`} className="truncate hover:underline">
                      {r.reference ?? shortId(r.id)}
                      <span className="ml-1.5 font-mono text-[11px] text-zinc-500">{r.type}</span>
                    </Link>
                    <StatusBadge status={r.status} />
                  </li>
                ))}
                {d.relatedMore && op.subject && (
                  <li className="px-4 py-1.5 text-xs">
                    <Link
                      href={`/operations?q=${encodeURIComponent(op.subject)}`}
                      className="hover:underline"
                    >
                      All of them →
                    </Link>
                  </li>
                )}
              </ul>
            )}
          </Panel>
          <Panel id="runbook" title={<IconTitle icon={BookOpen}>Runbook</IconTitle>}>
            {op.runbook ? (
              <Markdown className="px-4 py-3" data-testid="runbook">
                {linesAsList(op.runbook)}
              </Markdown>
            ) : (
              <p className="px-4 py-3 text-sm">No runbook for this workflow.</p>
            )}
            <p className="px-4 pb-3 text-xs">
              <Link href={`/workflows/${encodeURIComponent(op.type)}`} className="hover:underline">
                Execution story of {op.type} →
              </Link>
            </p>
          </Panel>
          <Panel id="audit" title={<IconTitle icon={History}>Audit history</IconTitle>}>
            <AuditHistory operationId={op.id} />
          </Panel>
          {op.trackPath && (
            <Panel id="end-user" title={<IconTitle icon={ShieldCheck}>End user's view</IconTitle>}>
              <p className="px-4 py-3 text-sm">
                <a
                  href={op.trackPath}
                  target="_blank"
                  rel="noreferrer"
                  className="inline-flex items-center gap-1 hover:underline"
                >
                  Open the progress page <ExternalLink className="size-3.5" aria-hidden />
                </a>
              </p>
            </Panel>
          )}
        </div>
      </div>
    </div>
  );
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <Empty>Nothing.</Empty>;
  return (
    // Scrolls inside its panel (a phone, a long value): focusable so a keyboard can scroll it.
    <pre
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
      tabIndex={0}
      className="max-h-72 overflow-auto px-4 py-3 font-mono text-xs leading-relaxed text-zinc-800 dark:text-zinc-200"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
