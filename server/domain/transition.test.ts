import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveStatus } from "./derive-status";
import { type OperationState, plannedState } from "./operation-state";
import { BLOCK_KINDS, isStepDone, isTerminal } from "./statuses";
import { type Transition, transition } from "./transition";

const STEPS = ["reserve", "charge", "ship"] as const;
const err = { message: "boom", errorClass: "transient" as const };

function run(state: OperationState, ...ts: Transition[]): OperationState {
  let s = state;
  for (const t of ts) {
    const r = transition(s, t);
    if (!r.ok) throw new Error(`refused ${t.type}: ${JSON.stringify(r.error)}`);
    s = r.state;
  }
  return s;
}

const succeed = (step: string): Transition[] => [
  { type: "step_started", step },
  { type: "step_succeeded", step, output: { step } },
];

describe("transition", () => {
  it("a new operation is accepted", () => {
    expect(plannedState(STEPS).status).toBe("accepted");
  });

  it("starting a step makes it processing and counts the attempt", () => {
    const s = run(plannedState(STEPS), { type: "step_started", step: "reserve" });
    expect(s.status).toBe("processing");
    expect(s.steps[0]).toMatchObject({ status: "running", attempts: 1 });
  });

  it("completes when every step succeeded, with each output in the result", () => {
    const s = run(plannedState(STEPS), ...STEPS.flatMap(succeed));
    expect(s.status).toBe("completed");
    expect(s.result).toEqual({
      reserve: { step: "reserve" },
      charge: { step: "charge" },
      ship: { step: "ship" },
    });
  });

  it("a retry keeps it processing and records when and why", () => {
    const at = new Date("2026-01-01T00:00:05Z");
    const s = run(
      plannedState(STEPS),
      { type: "step_started", step: "reserve" },
      { type: "retry_scheduled", step: "reserve", error: err, at },
    );
    expect(s.status).toBe("processing");
    expect(s.steps[0]).toMatchObject({ status: "retrying", nextAttemptAt: at, lastError: err });
    const again = run(s, { type: "step_started", step: "reserve" });
    expect(again.steps[0]?.attempts).toBe(2);
  });

  it("blocks with a reason and action, and resumes to run the step again", () => {
    const block = {
      kind: "awaiting_person" as const,
      reason: "risk high",
      actionRequired: "review",
      step: "charge",
    };
    const s = run(
      plannedState(STEPS),
      ...succeed("reserve"),
      { type: "step_started", step: "charge" },
      { type: "blocked", block },
    );
    expect(s.status).toBe("blocked");
    expect(s.steps[1]?.status).toBe("pending");
    expect(transition(s, { type: "step_started", step: "charge" })).toMatchObject({
      ok: false,
      error: { type: "blocked" },
    });
    const resumed = run(s, { type: "resumed" });
    expect(resumed.status).toBe("processing");
    expect(resumed.block).toBeNull();
  });

  it("refuses a block without a reason or action", () => {
    const r = transition(plannedState(STEPS), {
      type: "blocked",
      block: { kind: "invalid_input", reason: "", actionRequired: "fix", step: null },
    });
    expect(r).toMatchObject({ ok: false, error: { type: "missing_reason" } });
  });

  it("a permanent failure compensates then fails; nothing changes after", () => {
    let s = run(plannedState(STEPS), ...succeed("reserve"), { type: "step_started", step: "charge" });
    s = run(s, { type: "step_failed", step: "charge", error: { message: "card declined" } });
    expect(s.status).toBe("processing");
    s = run(s, { type: "step_compensated", step: "reserve" }, { type: "failed" });
    expect(s.status).toBe("failed");
    expect(s.steps.map((x) => x.status)).toEqual(["compensated", "failed", "skipped"]);
    expect(transition(s, { type: "resumed" })).toMatchObject({
      ok: false,
      error: { type: "operation_terminal", status: "failed" },
    });
  });

  it("refuses completing a failed operation", () => {
    const s = run(plannedState(STEPS), { type: "cancelled", reason: "customer asked" }, { type: "failed" });
    expect(transition(s, { type: "step_started", step: "reserve" })).toMatchObject({
      ok: false,
      error: { type: "operation_terminal" },
    });
  });

  it("skipping needs a reason and counts as done", () => {
    expect(transition(plannedState(["a"]), { type: "step_skipped", step: "a", reason: " " }).ok).toBe(false);
    const s = run(plannedState(["a"]), { type: "step_skipped", step: "a", reason: "done by hand" });
    expect(s.status).toBe("completed");
  });

  it("refuses unknown steps and steps in the wrong state", () => {
    expect(transition(plannedState(STEPS), { type: "step_started", step: "nope" })).toMatchObject({
      ok: false,
      error: { type: "unknown_step" },
    });
    expect(
      transition(plannedState(STEPS), { type: "step_succeeded", step: "reserve", output: 1 }),
    ).toMatchObject({
      ok: false,
      error: { type: "step_state", status: "pending" },
    });
  });

  it("a replayed failed step is pending again", () => {
    const s = run(plannedState(["a"]), { type: "step_started", step: "a" });
    const failedStep = { ...s, steps: s.steps.map((x) => ({ ...x, status: "failed" as const })) };
    expect(run(failedStep, { type: "step_replayed", step: "a" }).steps[0]?.status).toBe("pending");
  });
});

describe("deriveStatus precedence", () => {
  it("blocked wins over accepted", () => {
    const s = plannedState(["a"]);
    expect(
      deriveStatus({ ...s, block: { kind: "invalid_input", reason: "r", actionRequired: "a", step: null } }),
    ).toBe("blocked");
  });

  // Found by test/proof/model.test.ts: an operator cancelled while the last step ran; its success
  // then completed the operation with the cancellation still on it, and nothing was undone.
  it("a pending failure keeps an operation whose steps are all done from completing", () => {
    let s = run(plannedState(["a", "b"]), ...succeed("a"), { type: "step_started", step: "b" });
    s = run(
      s,
      { type: "cancelled", reason: "customer asked" },
      { type: "step_succeeded", step: "b", output: 1 },
    );
    expect(s.status).toBe("processing");
    s = run(
      s,
      { type: "step_compensated", step: "b" },
      { type: "step_compensated", step: "a" },
      { type: "failed" },
    );
    expect(s.status).toBe("failed");
  });
});

// ---- properties -----------------------------------------------------------

const stepName = fc.constantFrom(...STEPS);
const arbTransition: fc.Arbitrary<Transition> = fc.oneof(
  stepName.map((step) => ({ type: "step_started" as const, step })),
  stepName.map((step) => ({ type: "step_succeeded" as const, step, output: { step } })),
  stepName.map((step) => ({ type: "retry_scheduled" as const, step, error: err, at: new Date(0) })),
  fc
    .tuple(stepName, fc.constantFrom("", "manual fix"))
    .map(([step, reason]) => ({ type: "step_skipped" as const, step, reason })),
  stepName.map((step) => ({ type: "step_failed" as const, step, error: { message: "x" } })),
  fc
    .tuple(fc.constantFrom(...BLOCK_KINDS), fc.constantFrom("", "why"), fc.constantFrom("", "do this"))
    .map(([kind, reason, actionRequired]) => ({
      type: "blocked" as const,
      block: { kind, reason, actionRequired, step: null },
    })),
  fc.constant({ type: "resumed" as const }),
  stepName.map((step) => ({ type: "step_replayed" as const, step })),
  stepName.map((step) => ({ type: "step_compensated" as const, step })),
  fc.constantFrom("", "stop").map((reason) => ({ type: "cancelled" as const, reason })),
  fc.constant({ type: "failed" as const }),
);

/** Apply a random sequence, keeping every visited state (refusals leave the state as it was). */
function walk(ts: Transition[]): OperationState[] {
  const states = [plannedState(STEPS)];
  for (const t of ts) {
    const r = transition(states.at(-1)!, t);
    if (r.ok) states.push(r.state);
  }
  return states;
}

describe("transition invariants (property-based)", () => {
  const runs = { numRuns: 2000 };

  it("terminal states never change", () => {
    fc.assert(
      fc.property(fc.array(arbTransition, { maxLength: 30 }), arbTransition, (ts, t) => {
        const last = walk(ts).at(-1)!;
        if (!isTerminal(last.status)) return;
        expect(transition(last, t)).toMatchObject({ ok: false, error: { type: "operation_terminal" } });
      }),
      runs,
    );
  });

  it("completed implies every step succeeded or was skipped with a reason", () => {
    fc.assert(
      fc.property(fc.array(arbTransition, { maxLength: 30 }), (ts) => {
        for (const s of walk(ts)) {
          if (s.status !== "completed") continue;
          for (const step of s.steps) {
            expect(isStepDone(step.status)).toBe(true);
            if (step.status === "skipped") expect(step.skipReason?.trim()).toBeTruthy();
          }
        }
      }),
      runs,
    );
  });

  it("blocked always has a reason and an action", () => {
    fc.assert(
      fc.property(fc.array(arbTransition, { maxLength: 30 }), (ts) => {
        for (const s of walk(ts)) {
          if (s.status !== "blocked") continue;
          expect(s.block?.reason.trim()).toBeTruthy();
          expect(s.block?.actionRequired.trim()).toBeTruthy();
        }
      }),
      runs,
    );
  });

  it("the stored status always equals the derived one, and failed always carries an error", () => {
    fc.assert(
      fc.property(fc.array(arbTransition, { maxLength: 30 }), (ts) => {
        for (const s of walk(ts)) {
          expect(deriveStatus(s)).toBe(s.status);
          if (s.status === "failed") expect(s.failure?.message).toBeTruthy();
          expect(s.steps.filter((x) => x.status === "running").length).toBeLessThanOrEqual(STEPS.length);
        }
      }),
      runs,
    );
  });
});
