import type { EventType } from "@/server/domain/events";
import { BLOCK_KINDS, type BlockKind, ERROR_CLASSES, type ErrorClass } from "@/server/domain/statuses";

/**
 * Pure derivations over an operation's timeline (the `events` rows): the entries a person
 * reads, the attempts of each step, and the segments of elapsed time — queued, running,
 * backing off, blocked — that tell a slow queue from a slow provider.
 */

export interface EventRecord {
  id: number;
  type: EventType;
  step: string | null;
  actor: string;
  data: unknown;
  at: Date;
}

/** One timeline line: the event and the facts its data carries, each typed. */
export interface TimelineEntry {
  id: number;
  type: EventType;
  step: string | null;
  actor: string;
  at: Date;
  attempt: number | null;
  durationMs: number | null;
  errorClass: ErrorClass | null;
  message: string | null;
  code: string | null;
  /** For `retry_scheduled`: when the next attempt is due; for `timer_scheduled`, when the step runs. */
  retryAt: Date | null;
  blockKind: BlockKind | null;
  actionRequired: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
function oneOf<T extends string>(values: readonly T[], v: unknown): T | null {
  return typeof v === "string" && (values as readonly string[]).includes(v) ? (v as T) : null;
}

export function toTimelineEntry(e: EventRecord): TimelineEntry {
  const d = (e.data && typeof e.data === "object" ? e.data : {}) as Record<string, unknown>;
  const retryAt =
    e.type === "retry_scheduled" ? str(d.at) : e.type === "timer_scheduled" ? str(d.wakeAt) : null;
  return {
    id: e.id,
    type: e.type,
    step: e.step,
    actor: e.actor,
    at: e.at,
    attempt: num(d.attempt),
    durationMs: num(d.durationMs),
    errorClass: oneOf(ERROR_CLASSES, d.errorClass),
    message: str(d.message) ?? (e.type === "blocked" ? str(d.reason) : null),
    code: str(d.code),
    retryAt: retryAt ? new Date(retryAt) : null,
    blockKind: e.type === "blocked" ? oneOf(BLOCK_KINDS, d.kind) : null,
    actionRequired: e.type === "blocked" ? str(d.actionRequired) : null,
    idempotencyKey: str(d.idempotencyKey),
    requestHash: str(d.requestHash),
  };
}

/** A timeline line as the detail page shows it: with its time since acceptance. */
export interface TimelineLine extends TimelineEntry {
  /** Never less than the line before it (see `orderedTimeline`). */
  sinceAcceptedMs: number;
}

/**
 * The timeline in commit order (the events' sequence), each line with its time since the
 * operation was accepted. An event's `at` is when its transaction began, so one that waited on
 * the operation's lock — a resume after a long block, a batched commit — can carry a time earlier
 * than the event committed before it; it cannot have happened before that one, so its offset is
 * held at the previous line's rather than running backwards. The absolute `at` stays as recorded.
 */
export function orderedTimeline(records: EventRecord[], acceptedAt: Date): TimelineLine[] {
  let floor = 0;
  return [...records]
    .sort((a, b) => a.id - b.id)
    .map((record) => {
      floor = Math.max(floor, record.at.getTime() - acceptedAt.getTime());
      return { ...toTimelineEntry(record), sinceAcceptedMs: floor };
    });
}

export type AttemptOutcome = "running" | "succeeded" | "failed";

export interface Attempt {
  step: string;
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  outcome: AttemptOutcome;
  errorClass: ErrorClass | null;
  message: string | null;
  /** A retry was scheduled after this attempt, due then. */
  retryAt: Date | null;
  compensation: boolean;
}

/** Each attempt of each step, in the order they started. */
export function deriveAttempts(entries: TimelineEntry[]): Attempt[] {
  const attempts: Attempt[] = [];
  const open = new Map<string, Attempt>();
  for (const e of entries) {
    if (!e.step) continue;
    switch (e.type) {
      case "step_started":
      case "compensation_started": {
        const a: Attempt = {
          step: e.step,
          attempt: e.attempt ?? attempts.filter((x) => x.step === e.step).length + 1,
          startedAt: e.at,
          finishedAt: null,
          durationMs: null,
          outcome: "running",
          errorClass: null,
          message: null,
          retryAt: null,
          compensation: e.type === "compensation_started",
        };
        attempts.push(a);
        open.set(e.step, a);
        break;
      }
      case "step_succeeded":
      case "step_compensated":
      case "attempt_failed": {
        const a = open.get(e.step);
        if (!a) break;
        a.finishedAt = e.at;
        a.durationMs = e.durationMs ?? e.at.getTime() - a.startedAt.getTime();
        a.outcome = e.type === "attempt_failed" ? "failed" : "succeeded";
        a.errorClass = e.errorClass;
        a.message = e.message;
        if (e.type !== "attempt_failed") open.delete(e.step);
        break;
      }
      case "retry_scheduled": {
        const a = open.get(e.step);
        if (a) a.retryAt = e.retryAt;
        open.delete(e.step);
        break;
      }
      case "step_failed":
      case "blocked":
        open.delete(e.step);
        break;
      default:
        break;
    }
  }
  return attempts;
}

/** A pg-boss run job for the operation, while pg-boss still keeps it. */
export interface RunJob {
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
  jobs: RunJob[];
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
