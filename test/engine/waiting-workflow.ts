import { z } from "zod";
import { defineWorkflow, type StepDefinition } from "@/server/workflows/kit/types";
import type { StepWait, WaitCallback } from "@/server/workflows/kit/wait";

/**
 * Workflows whose middle step `send` hands work to a partner and waits for its acknowledgment,
 * for the waits tests. The effect records the callback it was given (the in-process worker's
 * effect is what a real partner would be told), and each undo of `prepare` is counted.
 */
export const callbacks = new Map<string, WaitCallback[]>();
export const undone = new Set<string>();

const input = z.object({ note: z.string().default("") });

export const ACK_SCHEMA = z.object({ pickupRef: z.string().min(3).max(40) }).strict();

function step(name: string, extra: Partial<StepDefinition> = {}): StepDefinition {
  return {
    name,
    title: `Step ${name}`,
    userText: `Doing ${name}`,
    effect: { description: `Does ${name}.`, run: async () => ({ step: name }) },
    compensation: {
      description: `Undoes ${name}.`,
      run: async ({ operationId }) => {
        undone.add(`${operationId}:${name}`);
      },
    },
    retry: { maxAttempts: 3, initialDelayMs: 50, backoff: 2, maxDelayMs: 200 },
    timeoutMs: 4_000,
    ...extra,
  };
}

export function waitingWorkflow(
  type: string,
  wait: Partial<StepWait> = {},
  /** `send` has an undo of its own (cancelling mid-wait then cannot know what to undo). */
  options: { sendUndo?: boolean } = {},
) {
  return defineWorkflow({
    type,
    version: 1,
    title: "Waiting",
    description: "Waits test workflow.",
    input,
    exampleInput: {},
    completion: { mode: "staged" },
    text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
    objective: { p95Ms: 1_000 },
    stuckAfterMs: 60_000,
    runbook: "Test only.",
    steps: [
      step("prepare"),
      step("send", {
        unknownOutcomeText: "The partner may have the request; asking again is safe.",
        ...(options.sendUndo
          ? {}
          : { compensation: { none: "The partner drops unconfirmed requests (test)." } }),
        effect: {
          description: "Hands the request and its callback to the partner.",
          run: async ({ operationId, callback }) => {
            if (!callback) throw new Error("a waiting step's effect gets its callback");
            callbacks.set(operationId, [...(callbacks.get(operationId) ?? []), callback]);
            return { sent: true };
          },
        },
        wait: {
          target: "partner",
          waitingFor: "the partner to confirm pickup",
          userText: "The partner is confirming pickup.",
          deadlineMs: 3_600_000,
          acknowledgment: ACK_SCHEMA,
          onDeadline: { block: { actionRequired: "Call the partner, then resume or cancel." } },
          ...wait,
        },
      }),
      step("finish"),
    ],
  });
}
