import { Check, Circle, CircleSlash, Loader, RotateCcw, TriangleAlert, Undo2, X } from "lucide-react";
import { formatDuration, Time } from "../../_components/time";
import type { Detail } from "./detail";

type Step = Detail["steps"][number];

const LOOK: Record<Step["status"], { icon: typeof Check; className: string; label: string }> = {
  pending: {
    icon: Circle,
    className: "text-zinc-400 border-zinc-200 dark:border-zinc-700",
    label: "pending",
  },
  running: {
    icon: Loader,
    className: "text-status-processing border-status-processing/50",
    label: "running",
  },
  retrying: { icon: RotateCcw, className: "text-status-blocked border-status-blocked/50", label: "retrying" },
  succeeded: {
    icon: Check,
    className: "text-status-completed-ink border-status-completed/40",
    label: "succeeded",
  },
  failed: { icon: X, className: "text-status-failed border-status-failed/50", label: "failed" },
  skipped: {
    icon: CircleSlash,
    className: "text-zinc-500 border-zinc-200 dark:border-zinc-700",
    label: "skipped",
  },
  compensated: { icon: Undo2, className: "text-status-failed border-status-failed/40", label: "compensated" },
};

/** The staged progress: each step with its state, attempts and timing. */
export function StagesView({ steps, waits = [] }: { steps: Step[]; waits?: Detail["waits"] }) {
  return (
    <ol aria-label="Steps" className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
      {steps.map((s, i) => {
        const look = LOOK[s.status];
        const blocked = s.status === "pending" && s.lastError;
        // An answer was lost after the request went out: not "pending", the effect may exist.
        const unknown = s.outcomeUnknown !== null;
        const Icon = blocked || unknown ? TriangleAlert : look.icon;
        const took = s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null;
        // A durable wait or timer of this step (server/waits): no worker holds it meanwhile.
        const waiting = waits.find((w) => w.step === s.name && w.state === "waiting");
        return (
          <li
            key={s.name}
            data-testid={`stage-${s.name}`}
            data-status={s.status}
            className={`min-w-0 rounded-lg border bg-white px-3 py-2 dark:bg-zinc-900 ${blocked || unknown ? "border-status-blocked/50" : look.className.split(" ").slice(1).join(" ")}`}
          >
            <div className="flex items-center gap-2">
              <Icon
                className={`size-4 shrink-0 ${blocked || unknown ? "text-status-blocked" : look.className.split(" ")[0]} ${s.status === "running" ? "animate-spin" : ""}`}
                aria-hidden
              />
              <span className="truncate text-sm font-medium">
                {i + 1}. {s.title}
              </span>
            </div>
            <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
              <span className="sr-only">Status: </span>
              {blocked ? "blocked" : look.label}
              {unknown && " · effect may have happened"}
              {s.attempts > 0 && ` · ${s.attempts} attempt${s.attempts === 1 ? "" : "s"}`}
              {took !== null && ` · ${formatDuration(took)}`}
            </p>
            {waiting && (
              <p className="text-xs text-status-processing-ink" data-testid={`stage-wait-${s.name}`}>
                {waiting.kind === "timer" && waiting.wakeAt ? (
                  <>
                    scheduled for <Time value={waiting.wakeAt} />
                  </>
                ) : (
                  waiting.stage
                )}
              </p>
            )}
            {s.status === "retrying" && s.nextAttemptAt && (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                next attempt <Time value={s.nextAttemptAt} />
              </p>
            )}
            {s.lastError && (
              <p
                className="mt-0.5 text-xs break-words text-status-failed-ink"
                data-testid={`step-error-${s.name}`}
              >
                {s.lastError.errorClass ? `${s.lastError.errorClass}: ` : ""}
                {s.lastError.message}
              </p>
            )}
            {s.skipReason && (
              <p className="mt-0.5 text-xs break-words text-zinc-500">skipped: {s.skipReason}</p>
            )}
            {s.outcomeUnknown && (
              <p
                className="mt-1 text-xs text-zinc-800 dark:text-zinc-200"
                data-testid={`outcome-unknown-${s.name}`}
              >
                {s.outcomeUnknown}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
