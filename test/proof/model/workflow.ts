import { z } from "zod";
import { NeedsPersonError, PermanentError, TransientError } from "@/server/workflows/kit/errors";
import type { RetryPolicy, StepDefinition } from "@/server/workflows/kit/types";
import { defineWorkflow } from "@/server/workflows/kit/types";

/**
 * The workflow the model-based test drives against the real engine. What each attempt does
 * is decided by the command being run (the `Controller`), not fixed at intake, so a random
 * sequence of commands can steer it anywhere. The controller is also the ledger of the
 * simulated outside world: how often each effect and each undo actually ran to the end.
 */
export type Behaviour =
  | "ok"
  | "transient"
  | "permanent"
  | "person"
  | "pre_block"
  | "pre_fail"
  | "hang"
  /** The effect lands, then the attempt hangs before it can answer (its answer is lost). */
  | "lost";
export type UndoBehaviour = "ok" | "broken";

export const MODEL_TYPE = "test.model";
export const MODEL_STEPS = ["a", "b", "c"] as const;
export type ModelStep = (typeof MODEL_STEPS)[number];
/** `b` has nothing to undo; `c` fails the operation when its retries run out (the others block). */
export const HAS_UNDO: Record<ModelStep, boolean> = { a: true, b: false, c: true };
export const ON_EXHAUSTED: Record<ModelStep, "block" | "fail"> = { a: "block", b: "block", c: "fail" };
export const MAX_ATTEMPTS = 3;
const RETRY: RetryPolicy = { maxAttempts: MAX_ATTEMPTS, initialDelayMs: 1, backoff: 1, maxDelayMs: 1 };

/** A step attempt held open by a `hang` behaviour, released by the test (finish / zombie wake). */
export interface Gate {
  entered: Promise<void>;
  release(behaviour: Exclude<Behaviour, "hang" | "lost" | "pre_block" | "pre_fail">): void;
}

export class Controller {
  /** What the next attempt of any step of an operation does (one attempt, then it is cleared). */
  private readonly next = new Map<string, Behaviour>();
  private readonly undo = new Map<string, UndoBehaviour>();
  private readonly gates = new Map<string, Gate>();
  /** Effects that ran to a successful end, by `${operationId}:${step}`. */
  readonly applied = new Map<string, number>();
  /** Effect invocations (past the precondition), whatever their end. */
  readonly invoked = new Map<string, number>();
  /** Undos that ran to the end, by `${operationId}:${step}`. */
  readonly undone = new Map<string, number>();

  arm(operationId: string, behaviour: Behaviour, undo: UndoBehaviour = "ok"): void {
    this.next.set(operationId, behaviour);
    this.undo.set(operationId, undo);
  }

  /** The gate of the attempt now hanging in `operationId`, if one is. */
  gate(operationId: string): Gate | undefined {
    return this.gates.get(operationId);
  }

  count(map: Map<string, number>, operationId: string, step: string): number {
    return map.get(`${operationId}:${step}`) ?? 0;
  }

  private bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  precondition(operationId: string): "ok" | "block" | "fail" {
    const b = this.next.get(operationId);
    if (b === "pre_block" || b === "pre_fail") {
      this.next.delete(operationId);
      return b === "pre_block" ? "block" : "fail";
    }
    return "ok";
  }

  async effect(operationId: string, step: string): Promise<unknown> {
    const key = `${operationId}:${step}`;
    this.bump(this.invoked, key);
    let b = this.next.get(operationId) ?? "transient";
    this.next.delete(operationId);
    if (b === "lost") this.bump(this.applied, key);
    if (b === "hang" || b === "lost") {
      let enter!: () => void;
      let release!: Gate["release"];
      const entered = new Promise<void>((resolve) => {
        enter = resolve;
      });
      const released = new Promise<Behaviour>((resolve) => {
        release = resolve;
      });
      this.gates.set(operationId, { entered, release });
      enter();
      b = await released;
      this.gates.delete(operationId);
    }
    switch (b) {
      case "ok":
        this.bump(this.applied, key);
        return { step };
      case "permanent":
        throw new PermanentError(`${step} refused`, { code: "refused" });
      case "person":
        throw new NeedsPersonError(`${step} needs a person`, {
          kind: "awaiting_person",
          actionRequired: "Ask the customer",
        });
      default:
        throw new TransientError(`${step} blipped`, { code: "blip" });
    }
  }

  async compensate(operationId: string, step: string): Promise<void> {
    if (this.undo.get(operationId) === "broken") {
      // Broken once: the next undo (after a person resumes) works.
      this.undo.set(operationId, "ok");
      throw new PermanentError(`undo of ${step} refused`, { code: "undo_refused" });
    }
    this.bump(this.undone, `${operationId}:${step}`);
  }
}

export function modelWorkflow(controller: Controller) {
  const step = (name: ModelStep): StepDefinition => ({
    name,
    title: `Step ${name}`,
    userText: `Doing ${name}`,
    precondition: {
      description: "Blocks or fails when the command says so.",
      async check({ operationId }) {
        const pre = controller.precondition(operationId);
        if (pre === "block")
          return {
            ok: false,
            outcome: "block",
            kind: "precondition_failed",
            reason: `${name} is not ready`,
            actionRequired: `Prepare ${name}`,
          };
        if (pre === "fail") return { ok: false, outcome: "fail", reason: `${name} can never run` };
        return { ok: true };
      },
    },
    effect: {
      description: "Does what the command says for this attempt.",
      run: ({ operationId }) => controller.effect(operationId, name),
    },
    compensation: HAS_UNDO[name]
      ? { description: `Undoes ${name}.`, run: ({ operationId }) => controller.compensate(operationId, name) }
      : { none: "Nothing to undo (test)." },
    retry: { ...RETRY, onExhausted: ON_EXHAUSTED[name] },
    // Longer than any sequence: a hanging attempt ends only when the test releases it.
    timeoutMs: 600_000,
  });
  return defineWorkflow({
    type: MODEL_TYPE,
    version: 1,
    title: "Model (test)",
    description: "Driven by the model-based test.",
    input: z.object({}),
    exampleInput: {},
    completion: { mode: "staged" },
    text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
    objective: { p95Ms: 60_000 },
    stuckAfterMs: 3_600_000,
    runbook: "Test only.",
    steps: MODEL_STEPS.map(step),
  });
}
