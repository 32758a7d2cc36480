import { TransientError } from "@/server/workflows/kit/errors";
import type { StepContext, StepDefinition } from "@/server/workflows/kit/types";
import { classifyError, outcomeUnknown } from "./classify";
import type { StepOutcome } from "./plan";

/** The step ran past its timeout; the effect was told to stop through its AbortSignal. */
export class StepTimeoutError extends TransientError {
  override name = "StepTimeoutError";
  constructor(timeoutMs: number) {
    super(`The step did not finish within its ${timeoutMs} ms timeout.`, { code: "timeout" });
  }
}

/** Why a run stopped waiting for its effect before the effect said so. */
export class LeaseLostError extends TransientError {
  override name = "LeaseLostError";
  constructor() {
    super("This worker lost the step's lease; another worker owns it now.", { code: "lease_lost" });
  }
}

/**
 * Runs a step's precondition, then its effect, under the step's timeout. The effect gets an
 * AbortSignal that fires on timeout or when the lease is lost; the engine stops waiting at
 * that moment even if the effect ignores the signal (its late answer is discarded, and the
 * idempotency key makes the retry safe).
 */
export async function executeStep(options: {
  step: StepDefinition;
  context: Omit<StepContext, "signal">;
  /** Aborted when the lease is lost or the worker gives up on the step. */
  signal: AbortSignal;
  /** Called after the precondition passed, before the effect: crash tests stop here. */
  beforeEffect?: () => Promise<void>;
  now?: () => number;
}): Promise<StepOutcome> {
  const { step } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const elapsed = () => Math.round(now() - started);
  let effectStarted = false;
  try {
    return await withTimeout(step.timeoutMs, options.signal, async (signal) => {
      const context: StepContext = { ...options.context, signal };
      if (step.precondition) {
        const check = await untilAborted(step.precondition.check(context), signal);
        if (!check.ok) return { type: "precondition", result: check, durationMs: elapsed() } as const;
      }
      await options.beforeEffect?.();
      effectStarted = true;
      const output = await untilAborted(step.effect.run(context), signal);
      return { type: "succeeded", output: output ?? null, durationMs: elapsed() } as const;
    });
  } catch (error) {
    const site = {
      operationId: options.context.operationId,
      step: step.name,
      attempt: options.context.attempt,
    };
    const classified = classifyError(error, site);
    if (outcomeUnknown(error, effectStarted)) classified.error.outcomeUnknown = true;
    return { type: "error", error: classified, durationMs: elapsed() };
  }
}

/** Runs `fn` with a signal that aborts after `timeoutMs` or with `outer`, whichever comes first. */
export async function withTimeout<T>(
  timeoutMs: number,
  outer: AbortSignal,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new StepTimeoutError(timeoutMs)), timeoutMs);
  const signal = AbortSignal.any([timeout.signal, outer]);
  try {
    return await untilAborted(fn(signal), signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
