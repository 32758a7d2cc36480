import type { OperationState, RecordedError } from "@/server/domain/operation-state";
import { type Transition, transition } from "@/server/domain/transition";
import { nextCheckAt, recheckActionText, recheckOf } from "@/server/workflows/kit/recheck";
import type { PreconditionResult, StepDefinition } from "@/server/workflows/kit/types";
import { unknownOutcomeSentence } from "@/server/workflows/kit/unknown-outcome";
import type { ClassifiedError } from "./classify";
import { decideRetry, honourRetryAfter } from "./retry";
import type { EventToWrite } from "./store/commit";

/**
 * Pure planning: from an operation's state and what just happened, the next state (always
 * through the domain's `transition`) and the timeline events to write with it. The runner
 * persists a plan in one statement; a refused transition means the world moved on (an
 * operator acted, another worker took over) and nothing is written.
 */
export interface Plan {
  after: OperationState;
  events: EventToWrite[];
  /** When a retry was scheduled: the delayed run job to write in the same transaction. */
  retryAt?: Date;
  /** When a block checks again by itself: its first re-check job, written with the block. */
  recheck?: { at: Date; handOverAt: Date };
}

export type StepOutcome =
  | { type: "succeeded"; output: unknown; durationMs: number }
  | { type: "error"; error: ClassifiedError; durationMs: number }
  | { type: "precondition"; result: Exclude<PreconditionResult, { ok: true }>; durationMs: number };

export const RETRIES_EXHAUSTED_ACTION = "Fix the cause, then resume the operation.";
export const WORKER_LOST_MESSAGE = "The worker running this step stopped responding; its lease expired.";

/** Applies transitions in order; null when any is refused. */
export function applyAll(state: OperationState, transitions: Transition[]): OperationState | null {
  let current = state;
  for (const t of transitions) {
    const result = transition(current, t);
    if (!result.ok) return null;
    current = result.state;
  }
  return current;
}

export function planStart(state: OperationState, step: string): Plan | null {
  const after = applyAll(state, [{ type: "step_started", step }]);
  if (!after) return null;
  const attempt = after.steps.find((s) => s.name === step)?.attempts ?? 1;
  return { after, events: [{ type: "step_started", step, data: { attempt } }] };
}

/**
 * A step whose worker died mid-attempt: the lost attempt is recorded as a transient
 * failure (it counts towards the retry cap, so a step that kills workers ends up blocked),
 * then the step starts again here.
 */
export function planTakeover(
  state: OperationState,
  def: StepDefinition,
  now: Date,
  random: number,
): { plan: Plan; started: boolean } | null {
  const step = state.steps.find((s) => s.name === def.name);
  if (!step) return null;
  // The worker may have died after the request went out: the effect may exist.
  const error: RecordedError = {
    message: WORKER_LOST_MESSAGE,
    errorClass: "transient",
    code: "worker_lost",
    outcomeUnknown: true,
  };
  const failedEvent: EventToWrite = {
    type: "attempt_failed",
    step: def.name,
    data: {
      attempt: step.attempts,
      errorClass: "transient",
      message: error.message,
      code: error.code,
      outcomeUnknown: true,
    },
  };
  const lost = applyAll(state, [{ type: "retry_scheduled", step: def.name, error, at: now }]);
  if (!lost) return null;
  const decision = decideRetry(def.retry, step.attempts, random);
  if (decision.type === "exhausted") {
    const plan = planExhausted(lost, def, step.attempts, error, [failedEvent], decision.onExhausted);
    return plan ? { plan, started: false } : null;
  }
  const start = planStart(lost, def.name);
  if (!start) return null;
  return { plan: { after: start.after, events: [failedEvent, ...start.events] }, started: true };
}

export function planOutcome(
  state: OperationState,
  def: StepDefinition,
  outcome: StepOutcome,
  now: Date,
  random: number,
): Plan | null {
  const step = def.name;
  const attempt = state.steps.find((s) => s.name === step)?.attempts ?? 0;
  const { durationMs } = outcome;
  if (outcome.type === "succeeded") {
    const after = applyAll(state, [{ type: "step_succeeded", step, output: outcome.output }]);
    if (!after) return null;
    const events: EventToWrite[] = [{ type: "step_succeeded", step, data: { attempt, durationMs } }];
    if (after.status === "completed") events.push({ type: "completed", step: null, data: null });
    return { after, events };
  }
  if (outcome.type === "precondition") {
    const { result } = outcome;
    const error: RecordedError = {
      message: result.reason,
      errorClass: result.outcome === "block" ? "needs_person" : "permanent",
      code: "precondition_failed",
    };
    const failed = attemptFailed(step, attempt, durationMs, error, { precondition: true });
    if (result.outcome === "block") {
      const recheck = recheckOf(def, result);
      const handOverAt = recheck && new Date(now.getTime() + recheck.handOverAfterMs);
      const plan = planBlock(state, step, [failed], error, {
        kind: result.kind,
        reason: result.reason,
        actionRequired:
          recheck && handOverAt ? recheckActionText(recheck, handOverAt) : result.actionRequired,
      });
      if (plan && recheck && handOverAt) {
        plan.recheck = { at: nextCheckAt(recheck, 1, now, handOverAt), handOverAt };
        plan.events.at(-1)!.data = {
          ...plan.events.at(-1)!.data,
          recheck: { handOverAt: handOverAt.toISOString() },
        };
      }
      return plan;
    }
    return planFail(state, step, [failed], error);
  }
  const { error: classified } = outcome;
  // Once an attempt's answer was lost, the effect may exist whatever the later attempts said.
  const earlierUnknown = state.steps.find((s) => s.name === step)?.lastError?.outcomeUnknown;
  const error: RecordedError = earlierUnknown
    ? { ...classified.error, outcomeUnknown: true }
    : classified.error;
  const failed = attemptFailed(step, attempt, durationMs, error);
  switch (classified.errorClass) {
    case "permanent":
      return planFail(state, step, [failed], error);
    case "needs_person":
      return planBlock(state, step, [failed], error, {
        kind: classified.kind,
        reason: error.outcomeUnknown
          ? `${classified.error.message} ${unknownOutcomeSentence(def)}`
          : classified.error.message,
        actionRequired: classified.actionRequired,
      });
    case "transient": {
      const decision = decideRetry(def.retry, attempt, random);
      if (decision.type === "exhausted") {
        return planExhausted(state, def, attempt, error, [failed], decision.onExhausted);
      }
      const { retryAfterMs } = classified;
      const delayMs = honourRetryAfter(decision.delayMs, retryAfterMs, def.retry);
      const at = new Date(now.getTime() + delayMs);
      const after = applyAll(state, [{ type: "retry_scheduled", step, error, at }]);
      if (!after) return null;
      const scheduled: EventToWrite = {
        type: "retry_scheduled",
        step,
        data: {
          attempt,
          at: at.toISOString(),
          delayMs,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
      };
      return { after, events: [failed, scheduled], retryAt: at };
    }
  }
}

function planExhausted(
  state: OperationState,
  def: StepDefinition,
  attempts: number,
  error: RecordedError,
  events: EventToWrite[],
  onExhausted: "block" | "fail",
): Plan | null {
  const exhausted = { ...error, code: "retries_exhausted" };
  if (onExhausted === "fail") return planFail(state, def.name, events, exhausted);
  return planBlock(state, def.name, events, exhausted, {
    kind: "retries_exhausted",
    reason: `Retries exhausted after ${attempts} attempt${attempts === 1 ? "" : "s"} of "${def.title}": ${error.message}${
      error.outcomeUnknown ? ` ${unknownOutcomeSentence(def)}` : ""
    }`,
    actionRequired: RETRIES_EXHAUSTED_ACTION,
  });
}

function planBlock(
  state: OperationState,
  step: string,
  events: EventToWrite[],
  error: RecordedError,
  block: { kind: NonNullable<OperationState["block"]>["kind"]; reason: string; actionRequired: string },
): Plan | null {
  const after = applyAll(state, [{ type: "blocked", block: { ...block, step }, error }]);
  if (!after) return null;
  return { after, events: [...events, { type: "blocked", step, data: { ...block } }] };
}

function planFail(
  state: OperationState,
  step: string,
  events: EventToWrite[],
  error: RecordedError,
): Plan | null {
  const after = applyAll(state, [{ type: "step_failed", step, error }]);
  if (!after) return null;
  const failedEvent: EventToWrite = {
    type: "step_failed",
    step,
    data: { message: error.message, errorClass: error.errorClass, code: error.code },
  };
  return { after, events: [...events, failedEvent] };
}

function attemptFailed(
  step: string,
  attempt: number,
  durationMs: number,
  error: RecordedError,
  extra: Record<string, unknown> = {},
): EventToWrite {
  return {
    type: "attempt_failed",
    step,
    data: {
      attempt,
      durationMs,
      errorClass: error.errorClass,
      message: error.message,
      code: error.code,
      ...(error.outcomeUnknown ? { outcomeUnknown: true } : {}),
      ...(error.detail ? { detail: error.detail } : {}),
      ...extra,
    },
  };
}
