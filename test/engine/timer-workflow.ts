import { z } from "zod";
import { defineWorkflow, type StepDefinition } from "@/server/workflows/kit/types";

/** Effects that ran, by `${operationId}:${step}`, for the timer tests. */
export const ran = new Set<string>();

const input = z.object({ delayMs: z.number().int().min(0).max(86_400_000) });

function step(name: string, extra: Partial<StepDefinition> = {}): StepDefinition {
  return {
    name,
    title: `Step ${name}`,
    userText: `Doing ${name}`,
    effect: {
      description: `Does ${name}.`,
      run: async ({ operationId }) => {
        ran.add(`${operationId}:${name}`);
        return { step: name };
      },
    },
    compensation: { none: "Test step." },
    retry: { maxAttempts: 3, initialDelayMs: 50, backoff: 2, maxDelayMs: 200 },
    timeoutMs: 4_000,
    ...extra,
  };
}

/**
 * `prepare`, then `later` scheduled `input.delayMs` after it is reached (a durable timer),
 * then `finish`. With `first`, the very first step is the scheduled one.
 */
export function timerWorkflow(type: string, options: { first?: boolean } = {}) {
  const later = step("later", {
    timer: {
      waitingFor: "the cooling-off window to end",
      userText: "We'll continue after a short cooling-off window.",
      at: ({ input, now }) => new Date(now.getTime() + (input as { delayMs: number }).delayMs),
      maxDelayMs: 86_400_000,
    },
  });
  return defineWorkflow({
    type,
    version: 1,
    title: "Scheduled",
    description: "Timer test workflow.",
    input,
    exampleInput: { delayMs: 1_000 },
    completion: { mode: "staged" },
    text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
    objective: { p95Ms: 1_000 },
    stuckAfterMs: 60_000,
    runbook: "Test only.",
    steps: options.first ? [later, step("finish")] : [step("prepare"), later, step("finish")],
  });
}
