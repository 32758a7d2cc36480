import { describe, expect, it } from "vitest";
import type { OperationState } from "@/server/domain/operation-state";
import { planAction } from "./plans";

const now = new Date("2026-12-03T10:00:00Z");

function blockedAfter(prepared: "succeeded" | "pending"): OperationState {
  return {
    status: "blocked",
    steps: [
      { name: "prepare", status: prepared, attempts: 1, output: null, lastError: null, nextAttemptAt: null },
      { name: "gate", status: "pending", attempts: 1, output: null, lastError: null, nextAttemptAt: null },
    ],
    block: {
      kind: "precondition_failed",
      reason: "The gate is closed.",
      actionRequired: "Open it.",
      step: "gate",
    },
    failure: null,
    result: null,
  } as OperationState;
}

const rows = (state: OperationState) =>
  state.steps.map((s) => ({ name: s.name, status: s.status, leaseLive: false }));

describe("cancel and compensate: the status after is what the operation becomes", () => {
  for (const action of ["cancel", "compensate"] as const) {
    it(`${action} with nothing to undo fails at once (no run job, "after" is failed)`, () => {
      const state = blockedAfter("succeeded");
      const planned = planAction(state, rows(state), { action }, "Customer asked", now, () => false);
      expect(planned.ok && planned.plan.after.status).toBe("failed");
      expect(planned.ok && planned.plan.run).toBeNull();
      expect(planned.ok && planned.plan.events.map((e) => e.type)).toEqual(["cancelled", "failed"]);
    });

    it(`${action} with a step to undo stays processing while the worker undoes it`, () => {
      const state = blockedAfter("succeeded");
      const planned = planAction(state, rows(state), { action }, "Customer asked", now, () => true);
      expect(planned.ok && planned.plan.after.status).toBe("processing");
      expect(planned.ok && planned.plan.run).toBe("resume");
    });
  }
});
