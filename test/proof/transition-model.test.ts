/**
 * Model-based check of the pure operation state machine (server/domain/transition.ts): thousands of
 * random command sequences (accept, start, succeed, retry, fail, block, resume, replay, skip with a
 * reason, compensate, cancel, crash = the lost attempt recorded as a retry, restart = start again)
 * against a small model of what must always hold. PROOF_MODEL_RUNS sets the count (default 3,000).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveStatus } from "@/server/domain/derive-status";
import { type OperationState, plannedState } from "@/server/domain/operation-state";
import { isStepDone, isTerminal } from "@/server/domain/statuses";
import { type Transition, transition } from "@/server/domain/transition";

const STEPS = ["reserve", "charge", "ship"] as const;
const RUNS = Number(process.env.PROOF_MODEL_RUNS ?? 3000);
const err = (m: string) => ({ message: m, errorClass: "transient" as const });
const step = fc.constantFrom(...STEPS);

const command: fc.Arbitrary<Transition> = fc.oneof(
  step.map((s) => ({ type: "step_started", step: s }) as const),
  step.map((s) => ({ type: "step_succeeded", step: s, output: { s } }) as const),
  step.map(
    (s) => ({ type: "retry_scheduled", step: s, error: err("worker_lost"), at: new Date(0) }) as const,
  ),
  step.map((s) => ({ type: "step_failed", step: s, error: err("permanent") }) as const),
  step.map((s) => ({ type: "step_skipped", step: s, reason: "override: checked by hand" }) as const),
  step.map((s) => ({ type: "step_replayed", step: s }) as const),
  step.map((s) => ({ type: "step_compensated", step: s }) as const),
  step.map(
    (s) =>
      ({
        type: "blocked",
        block: { kind: "awaiting_person", reason: "needs a look", actionRequired: "resume", step: s },
      }) as const,
  ),
  fc.constant({ type: "resumed" } as const),
  fc.constant({ type: "cancelled", reason: "customer asked" } as const),
  fc.constant({ type: "failed", error: err("gave up") } as const),
);

describe("findings of this model (reported in issue 15's proof-runs report)", () => {
  // Found by this model: the pure transition let a second step start while one ran (58 such
  // states in 3,000 sequences). The engine never does it (it starts only the first step not
  // done), so transition.ts now refuses it too: fixed, this stays as the regression test.
  it("the pure transition refuses starting a second step while one runs", () => {
    const one = transition(plannedState(STEPS), { type: "step_started", step: "charge" });
    expect(one).toMatchObject({ ok: false, error: { type: "out_of_order", waitingFor: "reserve" } });
    const first = transition(plannedState(STEPS), { type: "step_started", step: "reserve" });
    if (!first.ok) throw new Error("first start refused");
    expect(transition(first.state, { type: "step_started", step: "charge" })).toMatchObject({
      ok: false,
      error: { type: "step_running", step: "reserve" },
    });
  });
});

describe("the operation state machine against its model", () => {
  it(`${RUNS} random sequences keep every invariant`, () => {
    let applied = 0;
    let refused = 0;
    let running1 = 0;
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state: OperationState = plannedState(STEPS);
        for (const c of commands) {
          const before = structuredClone(state);
          const r = transition(state, c);
          // Pure: the input state is never mutated, accepted or refused.
          expect(state).toEqual(before);
          if (!r.ok) {
            refused++;
            continue;
          }
          applied++;
          const wasTerminal = isTerminal(state.status);
          state = r.state;
          // A terminal operation never changes (the model: terminal is absorbing).
          expect(wasTerminal).toBe(false);
          // The status is always the one derived from the steps.
          expect(state.status).toBe(deriveStatus(state));
          // At most one step runs at a time.
          const running = state.steps.filter((s) => s.status === "running").length;
          expect(running).toBeLessThanOrEqual(1);
          if (running === 1) running1++;
          // A step that has just started had every earlier step done.
          if (c.type === "step_started")
            for (const s of state.steps.slice(0, STEPS.indexOf(c.step as (typeof STEPS)[number])))
              expect(isStepDone(s.status)).toBe(true);
          // Blocked always carries a reason and the action required.
          if (state.status === "blocked") {
            expect(state.block?.reason).toBeTruthy();
            expect(state.block?.actionRequired).toBeTruthy();
          }
          // Completed means every step succeeded or was skipped with a reason.
          if (state.status === "completed")
            for (const s of state.steps) {
              expect(isStepDone(s.status)).toBe(true);
              if (s.status === "skipped") expect(s.skipReason).toBeTruthy();
            }
          // Failed carries its error.
          if (state.status === "failed") expect(state.failure).not.toBeNull();
          // Attempts never go down.
          for (const [i, s] of state.steps.entries())
            expect(s.attempts).toBeGreaterThanOrEqual(before.steps[i]!.attempts);
        }
        // Once terminal, every further command is refused.
        if (isTerminal(state.status))
          for (const c of commands.slice(0, 5)) expect(transition(state, c).ok).toBe(false);
      }),
      { numRuns: RUNS, seed: process.env.PROOF_SEED ? Number(process.env.PROOF_SEED) : undefined },
    );
    console.log(
      `model: ${RUNS} sequences, ${applied} transitions applied, ${refused} refused, ${running1} states with a step running (never two)`,
    );
  });
});
