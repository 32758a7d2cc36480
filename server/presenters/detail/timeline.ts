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
