import { deriveStatus } from "./derive-status";
import type { Block, OperationState, RecordedError, StepState } from "./operation-state";
import { assertNever, isStepDone, isTerminal } from "./statuses";

/** Every change an operation can go through. The engine and operator actions speak only these. */
export type Transition =
  | { type: "step_started"; step: string }
  | { type: "step_succeeded"; step: string; output: unknown }
  | { type: "retry_scheduled"; step: string; error: RecordedError; at: Date }
  | { type: "step_skipped"; step: string; reason: string; output?: unknown }
  | { type: "step_failed"; step: string; error: RecordedError }
  | { type: "blocked"; block: Block; error?: RecordedError }
  | { type: "resumed" }
  | { type: "step_replayed"; step: string }
  | { type: "step_compensated"; step: string }
  | { type: "cancelled"; reason: string }
  | { type: "failed"; error?: RecordedError };

export type TransitionError =
  | { type: "operation_terminal"; status: "completed" | "failed" }
  | { type: "unknown_step"; step: string }
  | { type: "step_state"; step: string; status: string; expected: string[] }
  /** Another step is running: one attempt at a time per operation. */
  | { type: "step_running"; step: string }
  /** An earlier step is not done yet: steps run in workflow order. */
  | { type: "out_of_order"; step: string; waitingFor: string }
  | { type: "not_blocked" }
  | { type: "blocked"; reason: string }
  | { type: "missing_reason" }
  | { type: "failing" }
  | { type: "no_failure" };

export type TransitionResult = { ok: true; state: OperationState } | { ok: false; error: TransitionError };

/**
 * The pure state machine: (state, transition) → next state or a typed refusal.
 * Terminal operations never change; the status is always re-derived by deriveStatus.
 */
export function transition(state: OperationState, t: Transition): TransitionResult {
  if (isTerminal(state.status)) return refuse({ type: "operation_terminal", status: state.status });
  const next = apply(state, t);
  if ("error" in next) return refuse(next.error);
  const status = deriveStatus(next.state);
  const result = status === "completed" ? resultOf(next.state) : next.state.result;
  return {
    ok: true,
    state: { ...next.state, status, block: status === "completed" ? null : next.state.block, result },
  };
}

function apply(state: OperationState, t: Transition): { state: OperationState } | { error: TransitionError } {
  switch (t.type) {
    case "step_started": {
      if (state.block) return { error: { type: "blocked", reason: state.block.reason } };
      if (state.failure) return { error: { type: "failing" } };
      // The engine's rule (runner: the next step is the first one not done): a step starts
      // only when every earlier step is done and no other step runs. Enforced here too, so no
      // caller of the pure machine can put two attempts in flight at once.
      const running = state.steps.find((s) => s.status === "running" && s.name !== t.step);
      if (running) return { error: { type: "step_running", step: running.name } };
      const index = state.steps.findIndex((s) => s.name === t.step);
      const waiting = state.steps.slice(0, Math.max(0, index)).find((s) => !isStepDone(s.status));
      if (waiting) return { error: { type: "out_of_order", step: t.step, waitingFor: waiting.name } };
      return updateStep(state, t.step, ["pending", "retrying"], (s) => ({
        ...s,
        status: "running",
        attempts: s.attempts + 1,
        nextAttemptAt: null,
      }));
    }
    case "step_succeeded":
      return updateStep(state, t.step, ["running"], (s) => ({
        ...s,
        status: "succeeded",
        output: t.output ?? null,
        lastError: null,
      }));
    case "retry_scheduled":
      return updateStep(state, t.step, ["running"], (s) => ({
        ...s,
        status: "retrying",
        lastError: t.error,
        nextAttemptAt: t.at,
      }));
    case "step_skipped": {
      if (!t.reason.trim()) return { error: { type: "missing_reason" } };
      const skipped = updateStep(state, t.step, ["pending", "retrying", "failed"], (s) => ({
        ...s,
        status: "skipped",
        skipReason: t.reason,
        output: t.output ?? null,
        nextAttemptAt: null,
      }));
      if ("error" in skipped) return skipped;
      // Skipping the step a block was about removes the block.
      const block = state.block?.step === t.step ? null : state.block;
      return { state: { ...skipped.state, block } };
    }
    case "step_failed": {
      const failed = updateStep(state, t.step, ["running", "pending", "retrying"], (s) => ({
        ...s,
        status: "failed",
        lastError: t.error,
        nextAttemptAt: null,
      }));
      if ("error" in failed) return failed;
      return { state: { ...failed.state, failure: { ...t.error, step: t.step }, block: null } };
    }
    case "blocked": {
      if (!t.block.reason.trim() || !t.block.actionRequired.trim())
        return { error: { type: "missing_reason" } };
      // The blocking step goes back to pending: resuming runs it again.
      const steps = state.steps.map((s) =>
        s.name === t.block.step && (s.status === "running" || s.status === "retrying")
          ? { ...s, status: "pending" as const, lastError: t.error ?? s.lastError, nextAttemptAt: null }
          : s,
      );
      return { state: { ...state, steps, block: t.block } };
    }
    case "resumed":
      if (!state.block) return { error: { type: "not_blocked" } };
      return { state: { ...state, block: null } };
    case "step_replayed":
      return updateStep(state, t.step, ["failed", "retrying"], (s) => ({
        ...s,
        status: "pending",
        nextAttemptAt: null,
      }));
    case "step_compensated":
      return updateStep(state, t.step, ["succeeded"], (s) => ({ ...s, status: "compensated" }));
    case "cancelled":
      if (!t.reason.trim()) return { error: { type: "missing_reason" } };
      return {
        state: { ...state, block: null, failure: { message: t.reason, code: "cancelled" } },
      };
    case "failed": {
      const failure = t.error ?? state.failure;
      if (!failure) return { error: { type: "no_failure" } };
      const steps = state.steps.map(settleForFailure);
      return { state: { ...state, steps, failure, block: null, status: "failed" } };
    }
    default:
      return assertNever(t, "Unknown transition");
  }
}

/** When an operation fails, nothing on its forward path will run any more. */
function settleForFailure(s: StepState): StepState {
  if (s.status === "pending" || s.status === "retrying" || s.status === "running") {
    return { ...s, status: "skipped", skipReason: s.skipReason ?? "operation failed", nextAttemptAt: null };
  }
  return s;
}

function updateStep(
  state: OperationState,
  name: string,
  expected: StepState["status"][],
  change: (s: StepState) => StepState,
): { state: OperationState } | { error: TransitionError } {
  const step = state.steps.find((s) => s.name === name);
  if (!step) return { error: { type: "unknown_step", step: name } };
  if (!expected.includes(step.status)) {
    return { error: { type: "step_state", step: name, status: step.status, expected } };
  }
  return { state: { ...state, steps: state.steps.map((s) => (s.name === name ? change(s) : s)) } };
}

/** A completed operation's result: every step's output by name. */
function resultOf(state: OperationState): Record<string, unknown> {
  return Object.fromEntries(state.steps.map((s) => [s.name, s.output ?? null]));
}

function refuse(error: TransitionError): TransitionResult {
  return { ok: false, error };
}

/** A sentence for logs and staff UIs. */
export function describeTransitionError(error: TransitionError): string {
  switch (error.type) {
    case "operation_terminal":
      return `The operation is already ${error.status}; it cannot change any more.`;
    case "unknown_step":
      return `This workflow has no step named "${error.step}".`;
    case "step_state":
      return `Step "${error.step}" is ${error.status}; expected ${error.expected.join(" or ")}.`;
    case "step_running":
      return `Step "${error.step}" is running; only one step runs at a time.`;
    case "out_of_order":
      return `Step "${error.step}" cannot start before step "${error.waitingFor}" is done.`;
    case "not_blocked":
      return "The operation is not blocked, so there is nothing to resume.";
    case "blocked":
      return `The operation is blocked: ${error.reason}`;
    case "missing_reason":
      return "A reason (and, for a block, the action required) must be given.";
    case "failing":
      return "The operation is failing; only compensation or the final failure can follow.";
    case "no_failure":
      return "Nothing has failed, so the operation cannot be marked failed.";
    default:
      return assertNever(error);
  }
}
