import type { AuditAction } from "@/server/domain/audit-actions";
import type { OperationState } from "@/server/domain/operation-state";
import { assertNever, isTerminal } from "@/server/domain/statuses";
import { describeTransitionError, type Transition, transition } from "@/server/domain/transition";
import { COMPENSATION_ACTION } from "@/server/engine/compensate";
import type { RunReason } from "@/server/engine/run-queue";
import type { EventToWrite } from "@/server/engine/store/commit";
import type { StepRow } from "@/server/engine/store/load";

/**
 * Operator actions, pure: from an operation's current state and what a person asks, the
 * transitions to apply (always through the domain's `transition`), the timeline events to
 * write with them, and whether a run job must follow — or a refusal in words. The
 * transaction around it lives in perform.ts.
 */
export type ActionRequest =
  /** Retry now: a step waiting out its backoff runs at once. */
  | { action: "retry" }
  /** Run a failed, exhausted or retrying step again. */
  | { action: "replay"; step: string }
  /** Unblock after the cause was fixed: the blocking step runs again. */
  | { action: "resume" }
  /** Decide a pending manual review; the review step runs again and reads the decision. */
  | { action: "approve" }
  | { action: "reject" }
  /** Mark a step done without running it, with a reason and optionally its output. */
  | { action: "skip"; step: string; output?: unknown }
  /**
   * Run the undo again after a compensation blocked (the console offers it only then). Before
   * any undo started it does what cancel does, kept for the API and bulk actions.
   */
  | { action: "compensate" }
  /** Stop before the next step; the succeeded steps the workflow can undo are undone, latest first. */
  | { action: "cancel" }
  /** A scheduled step (its durable timer, server/waits/timer.ts) runs now instead of at its time. */
  | { action: "run_now"; step: string };

export type ActionName = ActionRequest["action"];

export const AUDIT_ACTION_OF: Record<ActionName, AuditAction> = {
  retry: "operation_retried",
  replay: "step_replayed",
  resume: "operation_resumed",
  approve: "review_approved",
  reject: "review_rejected",
  skip: "step_skipped",
  compensate: "operation_compensated",
  cancel: "operation_cancelled",
  run_now: "timer_run_now",
};

export interface ActionPlan {
  after: OperationState;
  events: EventToWrite[];
  /** The run job to write in the same transaction, if the engine must pick the operation up. */
  run: RunReason | null;
  /** The step the action is about, for the audit record. */
  step: string | null;
}

export type PlanResult = { ok: true; plan: ActionPlan } | { ok: false; message: string };

export const MIN_REASON_LENGTH = 5;
export const MAX_REASON_LENGTH = 1_000;

export function reasonProblem(reason: string): string | null {
  const trimmed = reason.trim();
  if (trimmed.length < MIN_REASON_LENGTH)
    return "Give a reason: a sentence saying why, for the audit history.";
  if (trimmed.length > MAX_REASON_LENGTH) return `Keep the reason under ${MAX_REASON_LENGTH} characters.`;
  return null;
}

export function planAction(
  state: OperationState,
  rows: Pick<StepRow, "name" | "status" | "leaseLive">[],
  request: ActionRequest,
  reason: string,
  now: Date,
  /** Whether a step has an undo (its workflow's compensation); unknown: assume it does. */
  undoable: (step: string) => boolean = () => true,
  /** The steps with an open timer (`openTimers`), the only ones "run now" applies to. */
  timers: ReadonlySet<string> = new Set(),
): PlanResult {
  if (isTerminal(state.status)) {
    return refuse(`The operation is already ${state.status}; it cannot change any more.`);
  }
  const data = { reason, action: request.action };
  switch (request.action) {
    case "retry": {
      const waiting = state.steps.find((s) => s.status === "retrying");
      if (!waiting) return refuse("No step is waiting to retry, so there is nothing to retry now.");
      return apply(state, [{ type: "step_replayed", step: waiting.name }], waiting.name, "retry", [
        { type: "retry_scheduled", step: waiting.name, data: { ...data, at: now.toISOString(), delayMs: 0 } },
      ]);
    }
    case "replay": {
      const step = state.steps.find((s) => s.name === request.step);
      if (!step) return refuse(`This workflow has no step named "${request.step}".`);
      if (state.failure)
        return refuse("The operation is failing (compensation runs), so no step can be replayed.");
      const transitions: Transition[] = [];
      if (state.block) {
        if (state.block.step !== step.name) {
          return refuse(
            `The operation is blocked on "${state.block.step ?? "another step"}", not on "${step.name}".`,
          );
        }
        transitions.push({ type: "resumed" });
      }
      if (step.status === "failed" || step.status === "retrying") {
        transitions.push({ type: "step_replayed", step: step.name });
      }
      if (transitions.length === 0) {
        return refuse(
          `Step "${step.name}" is ${step.status}: only a failed, exhausted or retrying step can be replayed.`,
        );
      }
      return apply(state, transitions, step.name, "resume", [{ type: "resumed", step: step.name, data }]);
    }
    case "resume":
      if (!state.block) return refuse("The operation is not blocked, so there is nothing to resume.");
      return apply(state, [{ type: "resumed" }], state.block.step, "resume", [
        { type: "resumed", step: state.block.step, data },
      ]);
    case "approve":
    case "reject":
      if (state.block?.kind !== "awaiting_person") {
        return refuse("The operation is not waiting for a review decision.");
      }
      return apply(state, [{ type: "resumed" }], state.block.step, "resume", [
        { type: "resumed", step: state.block.step, data: { ...data, decision: request.action } },
      ]);
    case "skip": {
      const row = rows.find((r) => r.name === request.step);
      if (row?.status === "running" && row.leaseLive) {
        return refuse(`Step "${request.step}" is running right now; wait for this attempt to finish.`);
      }
      if (state.failure)
        return refuse("The operation is failing (compensation runs), so no step can be skipped.");
      const output = request.output === undefined ? undefined : request.output;
      const skipped = apply(
        state,
        [{ type: "step_skipped", step: request.step, reason, output }],
        request.step,
        "resume",
        [{ type: "step_skipped", step: request.step, data: { ...data, manualOutput: output !== undefined } }],
      );
      if (skipped.ok && skipped.plan.after.block) skipped.plan.run = null;
      return skipped;
    }
    case "compensate": {
      if (state.failure) {
        // A compensation that kept failing blocked the operation: try the undo again.
        if (state.block?.actionRequired === COMPENSATION_ACTION) {
          return apply(state, [{ type: "resumed" }], state.block.step, "resume", [
            { type: "resumed", step: state.block.step, data },
          ]);
        }
        return refuse("Compensation is already under way.");
      }
      return failNowIfNothingToUndo(
        apply(state, [{ type: "cancelled", reason }], null, "resume", [
          { type: "cancelled", step: null, data },
        ]),
        undoable,
      );
    }
    case "cancel":
      if (state.failure) return refuse("The operation is already being cancelled or compensated.");
      return failNowIfNothingToUndo(
        apply(state, [{ type: "cancelled", reason }], null, "resume", [
          { type: "cancelled", step: null, data },
        ]),
        undoable,
      );
    case "run_now":
      if (!timers.has(request.step)) {
        return refuse(`Step "${request.step}" is not scheduled for later, so there is nothing to run now.`);
      }
      if (state.block || state.failure)
        return refuse("The operation is blocked or failing; a scheduled step cannot run now.");
      // The state is unchanged: the timer's row fires (timer_fired, in perform.ts) and the run job runs the step.
      return { ok: true, plan: { after: state, events: [], run: "resume", step: request.step } };
    default:
      return assertNever(request, "Unknown operator action");
  }
}

function apply(
  state: OperationState,
  transitions: Transition[],
  step: string | null,
  run: RunReason,
  events: EventToWrite[],
): PlanResult {
  let current = state;
  for (const t of transitions) {
    const result = transition(current, t);
    if (!result.ok) return refuse(describeTransitionError(result.error));
    current = result.state;
  }
  const all = [...events];
  if (current.status === "completed") all.push({ type: "completed", step: null, data: null });
  const needsRun = current.status !== "completed" && !current.block;
  return { ok: true, plan: { after: current, events: all, run: needsRun ? run : null, step } };
}

/** The steps a failing operation will still undo (latest first): succeeded ones with an undo. */
export function stepsToUndo(state: OperationState, undoable: (step: string) => boolean): string[] {
  return state.steps
    .filter((s) => s.status === "succeeded" && undoable(s.name))
    .map((s) => s.name)
    .reverse();
}

/**
 * A cancel with nothing to undo (no succeeded step with an undo, nothing running) fails in the
 * action's own transaction, so its audit record's "after" is what the operation became
 * (`failed`), not a `processing` that the worker would end a moment later.
 */
function failNowIfNothingToUndo(result: PlanResult, undoable: (step: string) => boolean): PlanResult {
  if (!result.ok) return result;
  const { after } = result.plan;
  if (after.steps.some((s) => s.status === "running") || stepsToUndo(after, undoable).length > 0)
    return result;
  const failed = transition(after, { type: "failed" });
  if (!failed.ok) return result;
  const events: EventToWrite[] = [
    ...result.plan.events,
    {
      type: "failed",
      step: failed.state.failure?.step ?? null,
      data: { message: failed.state.failure?.message, code: failed.state.failure?.code },
    },
  ];
  return { ok: true, plan: { ...result.plan, after: failed.state, events, run: null } };
}

const refuse = (message: string): PlanResult => ({ ok: false, message });

export interface AvailableAction {
  action: ActionName;
  /** For replay and skip: the step it would act on. */
  step: string | null;
}

/**
 * The actions that the current state allows, for the buttons a person sees (each is
 * planned for real, so a button never offers what the server would refuse). Replay and
 * skip are offered for the step the operation is at.
 */
export function availableActions(
  state: OperationState,
  rows: Pick<StepRow, "name" | "status" | "leaseLive">[],
  now: Date = new Date(),
  /** Steps with an open timer: "run now" is offered for them. */
  timers: ReadonlySet<string> = new Set(),
): AvailableAction[] {
  if (isTerminal(state.status)) return [];
  const current =
    state.block?.step ??
    state.steps.find((s) => s.status !== "succeeded" && s.status !== "skipped")?.name ??
    null;
  const candidates: ActionRequest[] = [
    { action: "retry" },
    { action: "resume" },
    { action: "approve" },
    { action: "reject" },
    ...(current
      ? [
          { action: "replay" as const, step: current },
          { action: "skip" as const, step: current },
        ]
      : []),
    { action: "compensate" },
    { action: "cancel" },
    ...[...timers].map((step) => ({ action: "run_now" as const, step })),
  ];
  const replayable = (step: string) => {
    const status = state.steps.find((s) => s.name === step)?.status;
    return status === "failed" || status === "retrying" || state.block?.kind === "retries_exhausted";
  };
  return (
    candidates
      // Replaying a step that merely waits (pending, blocked on a precondition) is a resume: offer that.
      .filter((request) => request.action !== "replay" || replayable(request.step))
      // Cancel and compensate run the same undo until one has started: offer one button for it
      // (cancel); compensate is offered where it differs, to run a failed undo again.
      .filter((request) => request.action !== "compensate" || state.failure !== null)
      .filter((request) => planAction(state, rows, request, "availability check", now, undefined, timers).ok)
      .map((request) => ({ action: request.action, step: "step" in request ? request.step : null }))
  );
}
