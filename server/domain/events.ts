/**
 * The timeline vocabulary: every fact recorded about an operation is one of these.
 * The UI's timeline and the audit trail are read from events, never rebuilt from logs.
 */
export const EVENT_TYPES = [
  "accepted",
  "intake_replayed",
  "intake_conflict",
  "step_started",
  "step_succeeded",
  "attempt_failed",
  "retry_scheduled",
  "step_skipped",
  "step_failed",
  "blocked",
  "resumed",
  "compensation_started",
  "step_compensated",
  "cancelled",
  "failed",
  "completed",
  // Durable waits (server/waits): the step handed work to another system and waits for its
  // answer; the answer accepted; an answer refused as too late or for a finished operation.
  "wait_started",
  "acknowledged",
  "acknowledgment_refused",
  // Durable timers: a step scheduled for later (no worker held); the timer fired (due, or an
  // operator's "run now") and the step runs.
  "timer_scheduled",
  "timer_fired",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The channel new events are announced on: the `events_notify` trigger (migrations 0002,
 * 0007) and the engine's EventsNotifier send on it, the live hub listens.
 */
export const EVENTS_CHANNEL = "throughline_events";

/** Who caused an event: the system itself, a worker, an API key or a person. */
export type Actor = `system` | `worker:${string}` | `key:${string}` | `user:${string}`;
