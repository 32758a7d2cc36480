import { z } from "zod";
import { NeedsPersonError, PermanentError, TransientError } from "@/server/workflows/kit/errors";
import type { RetryPolicy, StepDefinition } from "@/server/workflows/kit/types";
import { defineWorkflow } from "@/server/workflows/kit/types";

/**
 * A workflow scripted by its input, for engine tests: `script.<step>` lists what each
 * attempt does (`ok`, `transient`, `permanent`, `person`, `unknown`, `hang`; attempts past
 * the list succeed; `slow` takes SLOW_MS), `pre.<step>` makes the precondition block or fail. Being data, the
 * script works the same in a child process.
 */
export type Behaviour = "ok" | "transient" | "permanent" | "person" | "unknown" | "hang" | "slow" | "sleepy";

/** How long a `slow` attempt takes. */
export const SLOW_MS = 600;
/** How long a `sleepy` attempt takes: past any grace period in the tests. */
export const SLEEPY_MS = 2_500;

export const SCRIPTED_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 50,
  backoff: 2,
  maxDelayMs: 200,
};
export const SCRIPTED_TIMEOUT_MS = 4_000;
/** Step `c` times out sooner, for the timeout test. */
export const SHORT_TIMEOUT_MS = 400;

const input = z.object({
  script: z
    .record(
      z.string(),
      z.array(z.enum(["ok", "transient", "permanent", "person", "unknown", "hang", "slow", "sleepy"])),
    )
    .default({}),
  pre: z.record(z.string(), z.enum(["block", "fail"])).default({}),
});
type Input = z.output<typeof input>;

function scriptedStep(name: string, overrides: Partial<StepDefinition<Input>> = {}): StepDefinition<Input> {
  return {
    name,
    title: `Step ${name}`,
    userText: `Doing ${name}`,
    guards: `what the script says before ${name}'s effect.`,
    precondition: {
      description: "Blocks or fails when the script says so.",
      async check({ input }) {
        const pre = input.pre[name];
        if (pre === "block") {
          return {
            ok: false,
            outcome: "block",
            kind: "precondition_failed",
            reason: `${name} is not ready`,
            actionRequired: `Prepare ${name}`,
          };
        }
        if (pre === "fail") return { ok: false, outcome: "fail", reason: `${name} can never run` };
        return { ok: true };
      },
    },
    effect: {
      description: "Does what the script says for this attempt.",
      async run({ input, attempt, signal }) {
        const behaviour = input.script[name]?.[attempt - 1] ?? "ok";
        switch (behaviour) {
          case "ok":
            return { step: name, attempt };
          case "transient":
            throw new TransientError(`${name} blipped`, { code: "blip" });
          case "permanent":
            throw new PermanentError(`${name} refused`, { code: "refused" });
          case "person":
            throw new NeedsPersonError(`${name} needs an address`, {
              kind: "awaiting_person",
              actionRequired: "Ask the customer",
            });
          case "unknown":
            throw new Error(`${name} crashed oddly`);
          case "slow":
          case "sleepy":
            await new Promise((resolve) => setTimeout(resolve, behaviour === "slow" ? SLOW_MS : SLEEPY_MS));
            return { step: name, attempt, behaviour };
          case "hang":
            await new Promise((resolve) => signal.addEventListener("abort", resolve));
            return { aborted: true };
        }
      },
    },
    compensation: { description: `Undoes ${name}.`, run: async () => {} },
    retry: SCRIPTED_RETRY,
    timeoutMs: SCRIPTED_TIMEOUT_MS,
    ...overrides,
  };
}

export const scriptedWorkflow = defineWorkflow({
  type: "test.scripted",
  version: 1,
  title: "Scripted",
  description: "Engine test workflow.",
  input,
  exampleInput: {},
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 1_000 },
  stuckAfterMs: 60_000,
  runbook: "Test only.",
  steps: [
    scriptedStep("a"),
    scriptedStep("b", { compensation: { none: "Nothing to undo (test)." } }),
    scriptedStep("c", { timeoutMs: SHORT_TIMEOUT_MS }),
    scriptedStep("d", { retry: { ...SCRIPTED_RETRY, onExhausted: "fail" } }),
  ],
});
