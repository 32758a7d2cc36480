import { absolute, formatDuration } from "../../_components/time";
import { BLOCK_KIND_LABELS, Empty, Panel } from "../../_components/ui";
import type { LiveEventInfo } from "../../_lib/live";
import type { Detail } from "./detail";

type Entry = Detail["timeline"][number];

const DOT: Partial<Record<Entry["type"], string>> = {
  accepted: "bg-status-accepted",
  step_started: "bg-status-processing",
  step_succeeded: "bg-status-completed",
  completed: "bg-status-completed",
  attempt_failed: "bg-status-failed",
  step_failed: "bg-status-failed",
  failed: "bg-status-failed",
  retry_scheduled: "bg-status-blocked",
  blocked: "bg-status-blocked",
  intake_conflict: "bg-status-failed",
};

const time = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  timeZone: "UTC",
});

function sentence(e: Entry, title: (step: string | null) => string): string {
  const step = title(e.step);
  const attempt = e.attempt ? ` (attempt ${e.attempt})` : "";
  switch (e.type) {
    case "accepted":
      return "Accepted";
    case "intake_replayed":
      return "Same request sent again with the same idempotency key: answered with this operation";
    case "intake_conflict":
      return "Refused: the idempotency key was reused for a different request";
    case "step_started":
      return `${step} started${attempt}`;
    case "step_succeeded":
      return `${step} succeeded${attempt}${e.durationMs !== null ? ` in ${formatDuration(e.durationMs)}` : ""}`;
    case "attempt_failed":
      return `${step} attempt ${e.attempt ?? "?"} failed${e.durationMs !== null ? ` after ${formatDuration(e.durationMs)}` : ""}`;
    case "retry_scheduled":
      return `Retry of ${step} scheduled${e.retryAt ? ` for ${time.format(e.retryAt)}` : ""}`;
    case "step_skipped":
      return `${step} skipped`;
    case "step_failed":
      return `${step} failed for good`;
    case "blocked":
      return `Blocked at ${step}: ${BLOCK_KIND_LABELS[e.blockKind ?? ""] ?? "needs a person"}`;
    case "resumed":
      // An end-user form's answer resumes the step: by the customer's link, or staff for them.
      if (e.actor.startsWith("track:")) return `Resumed: the customer answered at ${step}`;
      return "Resumed";
    case "compensation_started":
      return `Undoing ${step}`;
    case "step_compensated":
      return `${step} undone`;
    case "cancelled":
      return "Cancelled";
    case "failed":
      return "Operation failed";
    case "completed":
      return "Operation completed";
    case "wait_started":
      return `${step} waits for an answer from another system`;
    case "acknowledged":
      return `${step} acknowledged by the other system`;
    case "acknowledgment_refused":
      return `An acknowledgment of ${step} was refused (too late, or the operation had moved on)`;
    case "timer_scheduled":
      return `${step} scheduled${e.retryAt ? ` for ${time.format(e.retryAt)} UTC` : ""}: no worker waits meanwhile`;
    case "timer_fired":
      return e.actor.startsWith("user:") ? `${step} run now by an operator` : `${step}'s scheduled time came`;
  }
}

/** A live event before its details arrive: what the stream carries (type, step, time). */
function announced(e: LiveEventInfo): Entry {
  return {
    id: e.id,
    type: e.type as Entry["type"],
    step: e.step,
    actor: "",
    at: e.at,
    attempt: null,
    durationMs: null,
    errorClass: null,
    message: null,
    code: null,
    retryAt: null,
    blockKind: null,
    actionRequired: null,
    idempotencyKey: null,
    requestHash: null,
    sinceAcceptedMs: 0,
  };
}

/** Every recorded event, oldest first; live events are marked and show how fast they arrived. */
export function TimelineView({
  detail,
  pending,
  visible,
  fresh,
}: {
  detail: Detail;
  /** Events the live stream announced that the last read does not hold yet (details follow). */
  pending: LiveEventInfo[];
  visible: Map<number, number>;
  fresh: Set<number>;
}) {
  // Commit order (the events' sequence); an announced event's time since acceptance is held at
  // the line before it, as the presenter does for recorded ones.
  const timeline = [...detail.timeline, ...pending.map(announced)].sort((a, b) => a.id - b.id);
  const start = detail.operation.createdAt.getTime();
  let floor = 0;
  const offsets = timeline.map((e) => {
    floor = Math.max(floor, e.sinceAcceptedMs, e.at.getTime() - start);
    return floor;
  });
  const titles = new Map(detail.steps.map((s) => [s.name, s.title]));
  const title = (step: string | null) => (step ? (titles.get(step) ?? step) : "");
  return (
    <Panel id="timeline" title={`Timeline (${timeline.length} events)`}>
      {timeline.length === 0 && <Empty>No events recorded yet.</Empty>}
      <ol className="relative px-4 py-2" data-testid="timeline">
        {timeline.map((e, i) => {
          const seen = visible.get(e.id);
          return (
            <li
              key={e.id}
              data-event-id={e.id}
              data-event-type={e.type}
              className={`grid grid-cols-[5.5rem_0.75rem_1fr] gap-x-2 border-l-2 py-1.5 text-sm transition-colors ${fresh.has(e.id) ? "border-status-processing" : "border-transparent"}`}
            >
              <span
                className="pt-px text-right font-mono text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400"
                title={absolute(e.at)}
              >
                +{formatDuration(offsets[i] ?? 0)}
              </span>
              <span className={`mt-1.5 size-2 rounded-full ${DOT[e.type] ?? "bg-zinc-400"}`} aria-hidden />
              <div className="min-w-0">
                <p>
                  {sentence(e, title)}
                  {seen !== undefined && (
                    <span
                      className="ml-2 text-[11px] text-zinc-500 dark:text-zinc-400"
                      title="Commit → shown in this page"
                    >
                      visible in {formatDuration(seen)}
                    </span>
                  )}
                </p>
                {(e.errorClass || e.message) && (
                  <p className="text-xs text-zinc-600 dark:text-zinc-400">
                    {e.errorClass && (
                      <span className="mr-1.5 rounded bg-zinc-100 px-1 font-mono text-[10px] dark:bg-zinc-800">
                        {e.errorClass}
                      </span>
                    )}
                    {e.message}
                    {e.code && <span className="ml-1.5 font-mono text-[10px] text-zinc-500">{e.code}</span>}
                  </p>
                )}
                {e.actionRequired && (
                  <p className="text-xs">
                    <span className="font-medium">Action:</span> {e.actionRequired}
                  </p>
                )}
                <p className="font-mono text-[10px] text-zinc-500 dark:text-zinc-400">{e.actor}</p>
              </div>
            </li>
          );
        })}
      </ol>
    </Panel>
  );
}
