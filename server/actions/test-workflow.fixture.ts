import { z } from "zod";
import type { Db } from "@/db/client";
import { TransientError } from "@/server/workflows/kit/errors";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow } from "@/server/workflows/kit/types";

/**
 * A workflow for operator-action tests whose every turn is under the test's control:
 * `prepare` succeeds (and is compensated), `gate` blocks until the test opens it (or, for a
 * review, until the review is decided), `finish` fails transiently while told to.
 */
export interface GateControls {
  /** Ids of operations whose gate is open. */
  open: Set<string>;
  /** Operations whose `finish` step throws a transient error. */
  failing: Set<string>;
  /** Compensations run, in order: `${operationId}:${step}`. */
  compensated: string[];
  /** `finish` attempts seen, by operation. */
  finishAttempts: Map<string, number>;
}

export const GATE_TYPE = "test.gate";
const HOUR = 3_600_000;

export function gateWorkflow(db: Db, controls: GateControls) {
  return defineWorkflow({
    type: GATE_TYPE,
    version: 1,
    title: "Gate (test)",
    description: "A workflow the test drives step by step.",
    input: z.object({ review: z.boolean().default(false) }),
    exampleInput: { review: false },
    completion: { mode: "staged" },
    text: { accepted: "Received", completed: "Done", failed: "Failed" },
    objective: { p95Ms: 60_000 },
    stuckAfterMs: HOUR,
    runbook: "Open the gate.",
    steps: [
      {
        name: "prepare",
        title: "Prepare",
        userText: "Preparing",
        effect: { description: "Succeeds.", run: async () => ({ prepared: true }) },
        compensation: {
          description: "Records the undo.",
          run: async (ctx) => {
            controls.compensated.push(`${ctx.operationId}:prepare`);
          },
        },
        retry: { maxAttempts: 3, initialDelayMs: 10, backoff: 1, maxDelayMs: 10 },
        timeoutMs: 5_000,
      },
      {
        name: "gate",
        title: "Gate",
        userText: "Waiting",
        precondition: {
          description: "The gate is open, or the review is approved.",
          check: async (ctx) => {
            const input = ctx.input as { review?: boolean };
            if (input.review) {
              const [row] = await db.$client<{ status: string }[]>`
                select status from sim_reviews where operation_id = ${ctx.operationId}`;
              if (row?.status === "approved") return { ok: true };
              if (row?.status === "rejected")
                return { ok: false, outcome: "fail", reason: "Review rejected." };
              return {
                ok: false,
                outcome: "block",
                kind: "awaiting_person",
                reason: "A review is pending.",
                actionRequired: "Approve or reject the review.",
              };
            }
            if (controls.open.has(ctx.operationId)) return { ok: true };
            return {
              ok: false,
              outcome: "block",
              kind: "precondition_failed",
              reason: "The gate is closed.",
              actionRequired: "Open the gate, then resume.",
            };
          },
        },
        effect: { description: "Passes the gate.", run: async () => ({ passed: true }) },
        compensation: { none: "Nothing to undo." },
        retry: { maxAttempts: 3, initialDelayMs: 10, backoff: 1, maxDelayMs: 10 },
        timeoutMs: 5_000,
      },
      {
        name: "finish",
        title: "Finish",
        userText: "Finishing",
        effect: {
          description: "Fails transiently while the test says so.",
          run: async (ctx) => {
            controls.finishAttempts.set(
              ctx.operationId,
              (controls.finishAttempts.get(ctx.operationId) ?? 0) + 1,
            );
            if (controls.failing.has(ctx.operationId)) throw new TransientError("Downstream is down.");
            return { finished: true };
          },
        },
        compensation: { none: "Last step." },
        // Long backoff: a failed attempt waits (retrying) until the test says "retry now".
        retry: { maxAttempts: 2, initialDelayMs: HOUR, backoff: 1, maxDelayMs: HOUR },
        timeoutMs: 5_000,
      },
    ],
  });
}

export function gateControls(): GateControls {
  return { open: new Set(), failing: new Set(), compensated: [], finishAttempts: new Map() };
}

export function gateRegistry(db: Db, controls: GateControls): WorkflowRegistry {
  return new WorkflowRegistry([gateWorkflow(db, controls)]);
}
