import type { TimelineEntry } from "./timeline";

/**
 * The segments of an operation's elapsed time — queued, running, backing off, blocked,
 * scheduled, committing — derived purely from its timeline entries (timeline.ts) and the run
 * jobs pg-boss still keeps: what tells a slow queue from a slow provider on the detail page.
 */

/** A pg-boss run job for the operation, while pg-boss still keeps it (not the engine's RunJob payload). */
export interface KeptRunJob {
  reason: string;
  createdOn: Date;
  startedOn: Date | null;
}

export type SegmentKind = "queue" | "run" | "backoff" | "blocked" | "scheduled" | "commit";

/** A stretch of the operation's life, for the lag-per-hop view. */
export interface Segment {
  kind: SegmentKind;
  label: string;
  step: string | null;
  start: Date;
  /** Null while it lasts. */
  end: Date | null;
  ms: number;
}

/**
 * The operation's elapsed time cut into hops, in order:
 * - `queue`: accepted (or a hand-off/resume) → the job picked up → the step started;
 *   with the pg-boss job still kept, split into "waiting in the queue" and "claiming".
 * - `run`: an attempt's effect (the provider's time).
 * - `backoff`: a failed attempt → the retry that was scheduled.
 * - `blocked`: waiting for a person.
 * - `scheduled`: a step's durable timer, from `timer_scheduled` to `timer_fired` (no worker is
 *   waited for meanwhile, so it is never a queue hop).
 * - `commit`: the last step's result (or the end of a wait, when it was cancelled or failed
 *   while blocked) → the operation recorded as finished.
 */
export function deriveSegments(options: {
  acceptedAt: Date;
  entries: TimelineEntry[];
  jobs: KeptRunJob[];
  now: Date;
}): Segment[] {
  const { entries, jobs, now } = options;
  const segments: Segment[] = [];
  const push = (kind: SegmentKind, label: string, step: string | null, start: Date, end: Date | null) => {
    const ms = Math.max(0, (end ?? now).getTime() - start.getTime());
    segments.push({ kind, label, step, start, end, ms });
  };
  const startJobs = [...jobs].sort((a, b) => a.createdOn.getTime() - b.createdOn.getTime());
  let waitingSince: Date | null = options.acceptedAt;
  let waitKind: SegmentKind = "queue";
  let running: { step: string; at: Date } | null = null;
  let lastFinish: Date | null = null;
  // The open timer (`scheduled`): its step and due time, for the hop's words.
  let timer: { step: string | null; until: Date | null } = { step: null, until: null };
  const waitLabel = () =>
    waitKind === "backoff"
      ? "Retry backoff"
      : waitKind === "blocked"
        ? "Blocked, waiting for a person"
        : waitKind === "scheduled"
          ? scheduledUntil(timer.until)
          : "Waiting for a worker";
  /** The step of a hop that ends a wait with no step of its own (a timer's is known). */
  const waitStep = () => (waitKind === "scheduled" ? timer.step : null);
  // A block, a backoff or a timer ended by a cancel or the end: that wait is its own hop.
  const endsOwnWait = () => waitKind === "blocked" || waitKind === "backoff" || waitKind === "scheduled";
  const endWait = (at: Date) => {
    if (!waitingSince) return;
    push(waitKind, waitLabel(), waitStep(), waitingSince, at);
    waitingSince = null;
  };
  /** Accepted (or a hand-off/resume) → the step picked up (`what`: started, scheduled). */
  const endQueue = (step: string, at: Date, what: string) => {
    if (!waitingSince) return;
    const since = waitingSince;
    const job = startJobs.find(
      (j) => j.startedOn && j.createdOn <= at && j.startedOn <= at && j.startedOn >= since,
    );
    if (job?.startedOn) {
      push("queue", "Waiting in the queue", step, since, job.startedOn);
      push("queue", `Picked up → step ${what}`, step, job.startedOn, at);
    } else if (at.getTime() - since.getTime() > 0 || segments.length === 0) {
      push(
        "queue",
        segments.length === 0 ? `Accepted → first step ${what}` : "Waiting for a worker",
        step,
        since,
        at,
      );
    }
  };

  for (const e of entries) {
    switch (e.type) {
      case "step_started":
      case "compensation_started": {
        if (waitingSince && e.step) {
          if (waitKind === "queue") endQueue(e.step, e.at, "started");
          else push(waitKind, waitLabel(), e.step, waitingSince, e.at);
        }
        waitingSince = null;
        running = e.step ? { step: e.step, at: e.at } : null;
        break;
      }
      case "step_succeeded":
      case "step_compensated":
      case "attempt_failed": {
        if (running && e.step === running.step) {
          const end = e.durationMs !== null ? new Date(running.at.getTime() + e.durationMs) : e.at;
          push(
            "run",
            e.type === "attempt_failed" ? "Attempt failed" : "Step ran",
            e.step,
            running.at,
            end < running.at ? e.at : end,
          );
          running = null;
        }
        lastFinish = e.at;
        if (e.type !== "attempt_failed") {
          // The next step is claimed in the same commit when the run goes on in this worker;
          // otherwise the gap is a hand-off through the queue.
          waitingSince = e.at;
          waitKind = "queue";
        }
        break;
      }
      case "retry_scheduled":
        waitingSince = e.at;
        waitKind = "backoff";
        break;
      case "timer_scheduled":
        // The step was reached and parked until its due time: the queue hop ends here.
        if (waitingSince && waitKind === "queue" && e.step) endQueue(e.step, e.at, "scheduled");
        waitingSince = e.at;
        waitKind = "scheduled";
        timer = { step: e.step, until: e.retryAt };
        break;
      case "timer_fired":
        // By the clock or an operator's "run now": what follows is the step's run job.
        if (waitingSince && waitKind === "scheduled") endWait(e.at);
        waitingSince = e.at;
        waitKind = "queue";
        break;
      case "blocked":
        running = null;
        waitingSince = e.at;
        waitKind = "blocked";
        break;
      case "resumed":
        if (waitingSince && waitKind === "blocked")
          push("blocked", "Blocked, waiting for a person", e.step, waitingSince, e.at);
        waitingSince = e.at;
        waitKind = "queue";
        break;
      case "cancelled":
        // A cancel ends a block, a backoff or a timer: that wait is its own, never the commit's
        // (a cancel after 24 minutes blocked read "commit 24 min"). What follows is the undo.
        if (waitingSince && endsOwnWait()) endWait(e.at);
        lastFinish = e.at;
        waitingSince = e.at;
        waitKind = "queue";
        break;
      case "completed":
      case "failed":
        // Ended while waiting (failed from a block, or cancelled in the same commit): the wait
        // lasted until now, and the commit hop starts where the wait ended.
        if (waitingSince && endsOwnWait()) {
          endWait(e.at);
          lastFinish = e.at;
        }
        if (lastFinish) push("commit", "Result → recorded as finished", null, lastFinish, e.at);
        waitingSince = null;
        running = null;
        break;
      default:
        break;
    }
  }
  if (running) push("run", "Step running", running.step, running.at, null);
  else if (waitingSince) push(waitKind, waitLabel(), waitStep(), waitingSince, null);
  // A same-commit claim shows as a 0 ms queue hop; keep the list about time actually spent.
  return segments.filter((s) => s.kind !== "queue" || s.ms > 0 || s.end === null || s === segments[0]);
}

/** A timer's hop: "Scheduled until 2026-12-03 18:00 UTC" (the stage's time, in UTC). */
function scheduledUntil(until: Date | null): string {
  return until ? `Scheduled until ${until.toISOString().slice(0, 16).replace("T", " ")} UTC` : "Scheduled";
}
