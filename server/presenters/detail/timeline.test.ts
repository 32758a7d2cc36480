import { describe, expect, it } from "vitest";
import type { EventType } from "@/server/domain/events";
import { deriveSegments } from "./segments";
import { deriveAttempts, type EventRecord, toTimelineEntry } from "./timeline";

const t0 = Date.parse("2026-01-01T10:00:00Z");
let nextId = 1;
const ev = (ms: number, type: EventType, step: string | null = null, data: unknown = null): EventRecord => ({
  id: nextId++,
  type,
  step,
  actor: "worker:w1",
  data,
  at: new Date(t0 + ms),
});

const story = [
  ev(0, "accepted", null, { version: 1, idempotencyKey: "k1" }),
  ev(40, "step_started", "reserve", { attempt: 1 }),
  ev(140, "step_succeeded", "reserve", { attempt: 1, durationMs: 95 }),
  ev(140, "step_started", "charge", { attempt: 1 }),
  ev(400, "attempt_failed", "charge", {
    attempt: 1,
    durationMs: 250,
    errorClass: "transient",
    message: "gateway timeout",
    code: "timeout",
  }),
  ev(400, "retry_scheduled", "charge", { attempt: 1, at: new Date(t0 + 900).toISOString(), delayMs: 500 }),
  ev(950, "step_started", "charge", { attempt: 2 }),
  ev(1010, "step_succeeded", "charge", { attempt: 2, durationMs: 55 }),
  ev(1012, "completed"),
].map(toTimelineEntry);

describe("timeline", () => {
  it("reads typed facts out of event data", () => {
    const failed = story.find((e) => e.type === "attempt_failed")!;
    expect(failed).toMatchObject({
      attempt: 1,
      durationMs: 250,
      errorClass: "transient",
      message: "gateway timeout",
    });
    expect(story.find((e) => e.type === "retry_scheduled")!.retryAt?.getTime()).toBe(t0 + 900);
    expect(story[0]).toMatchObject({ idempotencyKey: "k1", errorClass: null });
  });

  it("ignores unknown shapes instead of trusting them", () => {
    const odd = toTimelineEntry(
      ev(0, "attempt_failed", "x", { attempt: "2", errorClass: "weird", message: 5 }),
    );
    expect(odd).toMatchObject({ attempt: null, errorClass: null, message: null });
  });

  it("lists every attempt with its duration, error and scheduled retry", () => {
    const attempts = deriveAttempts(story);
    expect(attempts.map((a) => [a.step, a.attempt, a.outcome, a.durationMs])).toEqual([
      ["reserve", 1, "succeeded", 95],
      ["charge", 1, "failed", 250],
      ["charge", 2, "succeeded", 55],
    ]);
    expect(attempts[1]).toMatchObject({ errorClass: "transient", message: "gateway timeout" });
    expect(attempts[1]!.retryAt?.getTime()).toBe(t0 + 900);
  });

  it("cuts elapsed time into queue, run, backoff and commit hops", () => {
    const segments = deriveSegments({
      acceptedAt: new Date(t0),
      entries: story,
      jobs: [{ reason: "start", createdOn: new Date(t0), startedOn: new Date(t0 + 30) }],
      now: new Date(t0 + 5_000),
    });
    expect(segments.map((s) => [s.kind, s.step, s.ms])).toEqual([
      ["queue", "reserve", 30],
      ["queue", "reserve", 10],
      ["run", "reserve", 95],
      ["run", "charge", 250],
      ["backoff", "charge", 550],
      ["run", "charge", 55],
      ["commit", null, 2],
    ]);
  });

  it("puts the wait before a cancel on the block, not on the commit", () => {
    const minutes = (n: number) => n * 60_000;
    const blockedThenCancelled = [
      ev(0, "accepted", null, { version: 1 }),
      ev(40, "step_started", "reserve", { attempt: 1 }),
      ev(140, "step_succeeded", "reserve", { attempt: 1, durationMs: 95 }),
      ev(150, "blocked", "charge", { kind: "awaiting_person", actionRequired: "Review" }),
      ev(minutes(24), "cancelled", "charge"),
      ev(minutes(24) + 20, "compensation_started", "reserve", { attempt: 1 }),
      ev(minutes(24) + 60, "step_compensated", "reserve", { attempt: 1, durationMs: 35 }),
      ev(minutes(24) + 65, "failed"),
    ].map(toTimelineEntry);
    const segments = deriveSegments({
      acceptedAt: new Date(t0),
      entries: blockedThenCancelled,
      jobs: [],
      now: new Date(t0 + minutes(30)),
    });
    expect(segments.find((s) => s.kind === "blocked")?.ms).toBe(minutes(24) - 150);
    expect(segments.filter((s) => s.kind === "commit").map((s) => s.ms)).toEqual([5]);
    // Cancelled in the same commit as the end, nothing undone.
    const noUndo = deriveSegments({
      acceptedAt: new Date(t0),
      entries: [...blockedThenCancelled.slice(0, 5), toTimelineEntry(ev(minutes(24), "failed"))],
      jobs: [],
      now: new Date(t0 + minutes(30)),
    });
    expect(noUndo.filter((s) => s.kind === "commit").map((s) => s.ms)).toEqual([0]);
    expect(noUndo.find((s) => s.kind === "blocked")?.ms).toBe(minutes(24) - 150);
    // Failed straight from a block (no cancel event).
    const failedWhileBlocked = deriveSegments({
      acceptedAt: new Date(t0),
      entries: [...blockedThenCancelled.slice(0, 4), toTimelineEntry(ev(minutes(24), "failed"))],
      jobs: [],
      now: new Date(t0 + minutes(30)),
    });
    expect(failedWhileBlocked.filter((s) => s.kind === "commit").map((s) => s.ms)).toEqual([0]);
  });

  it("shows what is going on right now as an open hop", () => {
    const running = deriveSegments({
      acceptedAt: new Date(t0),
      entries: story.slice(0, 4),
      jobs: [],
      now: new Date(t0 + 1_000),
    });
    expect(running.at(-1)).toMatchObject({ kind: "run", step: "charge", end: null, ms: 860 });
    const waiting = deriveSegments({
      acceptedAt: new Date(t0),
      entries: story.slice(0, 1),
      jobs: [],
      now: new Date(t0 + 70),
    });
    expect(waiting).toMatchObject([{ kind: "queue", end: null, ms: 70 }]);
  });
  it("puts a cancel inside a timer's window on the timer, with the step and its due time", () => {
    const minutes = (n: number) => n * 60_000;
    const segments = deriveSegments({
      acceptedAt: new Date(t0),
      entries: [
        ev(0, "accepted", null, { version: 1 }),
        ev(30, "timer_scheduled", "charge", { wakeAt: new Date(t0 + minutes(2)).toISOString() }),
        ev(minutes(1), "cancelled", "charge"),
        ev(minutes(1) + 10, "failed"),
      ].map(toTimelineEntry),
      jobs: [],
      now: new Date(t0 + minutes(5)),
    });
    expect(segments.map((s) => [s.kind, s.label, s.step, s.ms])).toEqual([
      ["queue", "Accepted → first step scheduled", "charge", 30],
      ["scheduled", "Scheduled until 2026-01-01 10:02 UTC", "charge", minutes(1) - 30],
      ["commit", "Result → recorded as finished", null, 10],
    ]);
  });
});
