import { describe, expect, it } from "vitest";
import { plannedState } from "@/server/domain/operation-state";
import { NeedsPersonError, PermanentError } from "@/server/workflows/kit/errors";
import type { StepDefinition } from "@/server/workflows/kit/types";
import { classifyError } from "./classify";
import { applyAll, planOutcome, planStart, planTakeover, WORKER_LOST_MESSAGE } from "./plan";

const def: StepDefinition = {
  name: "charge",
  title: "Charge",
  userText: "Charging",
  effect: { description: "Charges.", run: async () => null },
  compensation: { none: "Test." },
  retry: { maxAttempts: 2, initialDelayMs: 100, backoff: 2, maxDelayMs: 1_000 },
  timeoutMs: 1_000,
};
const now = new Date("2026-01-01T00:00:00Z");
const running = () => applyAll(plannedState(["charge", "ship"]), [{ type: "step_started", step: "charge" }])!;

describe("planOutcome", () => {
  it("schedules a retry at now + delay for a transient error with attempts left", () => {
    const plan = planOutcome(
      running(),
      def,
      { type: "error", error: classifyError(new Error("blip")), durationMs: 3 },
      now,
      0,
    )!;
    expect(plan.retryAt).toEqual(new Date("2026-01-01T00:00:00.100Z"));
    expect(plan.after.steps[0]).toMatchObject({ status: "retrying" });
    expect(plan.events.map((e) => e.type)).toEqual(["attempt_failed", "retry_scheduled"]);
  });

  it("blocks with retries_exhausted on the last attempt", () => {
    const second = applyAll(running(), [
      { type: "retry_scheduled", step: "charge", error: { message: "x" }, at: now },
      { type: "step_started", step: "charge" },
    ])!;
    const plan = planOutcome(
      second,
      def,
      { type: "error", error: classifyError(new Error("blip")), durationMs: 3 },
      now,
      0,
    )!;
    expect(plan.after.status).toBe("blocked");
    expect(plan.after.block).toMatchObject({ kind: "retries_exhausted", step: "charge" });
  });

  it("fails the step on a permanent error and blocks on a needs-a-person one", () => {
    const failed = planOutcome(
      running(),
      def,
      { type: "error", error: classifyError(new PermanentError("no")), durationMs: 1 },
      now,
      0,
    )!;
    expect(failed.after.failure).toMatchObject({ message: "no", step: "charge" });
    const person = new NeedsPersonError("call them", { kind: "awaiting_person", actionRequired: "Call" });
    const blocked = planOutcome(
      running(),
      def,
      { type: "error", error: classifyError(person), durationMs: 1 },
      now,
      0,
    )!;
    expect(blocked.after.block).toMatchObject({
      kind: "awaiting_person",
      reason: "call them",
      actionRequired: "Call",
    });
  });

  it("completes and says so on the last step's success", () => {
    const last = applyAll(running(), [
      { type: "step_succeeded", step: "charge", output: 1 },
      { type: "step_started", step: "ship" },
    ])!;
    const plan = planOutcome(
      last,
      { ...def, name: "ship" },
      { type: "succeeded", output: 2, durationMs: 1 },
      now,
      0,
    )!;
    expect(plan.after.status).toBe("completed");
    expect(plan.events.map((e) => e.type)).toEqual(["step_succeeded", "completed"]);
  });

  it("returns null when the state no longer allows the outcome (an operator acted)", () => {
    expect(
      planOutcome(plannedState(["charge"]), def, { type: "succeeded", output: 1, durationMs: 1 }, now, 0),
    ).toBeNull();
  });
});

describe("planTakeover", () => {
  it("records the lost attempt and starts the step again", () => {
    const { plan, started } = planTakeover(running(), def, now, 0)!;
    expect(started).toBe(true);
    expect(plan.events[0]).toMatchObject({ type: "attempt_failed", data: { message: WORKER_LOST_MESSAGE } });
    expect(plan.after.steps[0]).toMatchObject({ status: "running", attempts: 2 });
  });

  it("blocks instead when the lost attempt was the last one", () => {
    const second = planStart(
      applyAll(running(), [{ type: "retry_scheduled", step: "charge", error: { message: "x" }, at: now }])!,
      "charge",
    )!.after;
    const { plan, started } = planTakeover(second, def, now, 0)!;
    expect(started).toBe(false);
    expect(plan.after.block?.kind).toBe("retries_exhausted");
  });
});
