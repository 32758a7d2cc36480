import type { OperationState } from "@/server/domain/operation-state";
import { ATTRS, failSpan, inSpan, SPANS, stepParent } from "@/server/telemetry/tracing";
import type { StepDefinition, WorkflowDefinition } from "@/server/workflows/kit/types";
import { classifyError } from "./classify";
import type { Engine } from "./engine";
import { untilAborted, withTimeout } from "./execute";
import { applyAll, type Plan } from "./plan";
import { decideRetry, honourRetryAfter } from "./retry";
import type { LeaseChange } from "./store/commit";
import { type LoadedOperation, SWEEPER_LEASE_PREFIX } from "./store/load";
import { advanced, commitBase, reload, type Turn } from "./turn";

export const COMPENSATION_ACTION = "Undo it by hand (or fix the cause), then resume the operation.";

const hasUndo = (def: StepDefinition | undefined) => Boolean(def && "run" in def.compensation);

/**
 * The failing path, one step per turn: undo the succeeded steps that have a compensation,
 * latest first, each under a lease like any step (`compensation_started`, then
 * `step_compensated`), then mark the operation `failed`. Steps whose compensation is an
 * explicit "none" stay succeeded: nothing was undone, and the timeline says so. A
 * compensation that keeps failing blocks the operation: a person must undo it by hand.
 */
export async function compensateNext(
  engine: Engine,
  op: LoadedOperation,
  workflow: WorkflowDefinition,
): Promise<Turn> {
  // A step still running under a live lease (cancelled mid-step): its worker settles it first —
  // a success lands as succeeded and is undone here next. Finishing now would mark it skipped
  // and leave its effect applied and never undone (found by test/proof/model.test.ts).
  const runningElsewhere = op.rows.some(
    (r) => r.status === "running" && r.leaseLive && !r.leaseOwner?.startsWith(SWEEPER_LEASE_PREFIX),
  );
  if (runningElsewhere) return { type: "done", result: "busy" };
  const defs = op.state.steps.map((s) => workflow.steps.find((d) => d.name === s.name));
  const orphan = op.state.steps.findIndex((s, i) => s.status === "running" && hasUndo(defs[i]));
  if (orphan >= 0) return blockOnUnknownOutcome(engine, op, orphan, defs[orphan]!);
  const index = op.state.steps.findLastIndex((s, i) => s.status === "succeeded" && hasUndo(defs[i]));
  if (index < 0) return finishFailed(engine, op);

  const step = op.state.steps[index]!;
  const row = op.rows[index]!;
  const def = defs[index]!;
  if (row.leaseLive && !row.leaseOwner?.startsWith(SWEEPER_LEASE_PREFIX))
    return { type: "done", result: "busy" };

  const claim: Plan = {
    after: op.state,
    events: [{ type: "compensation_started", step: step.name, data: null }],
  };
  const acquire: Record<number, LeaseChange> = { [row.position]: "acquire" };
  const sentAt = Date.now();
  const token = await engine.store.commit({
    ...commitBase(engine, op, claim, acquire),
    guard: { kind: "claim", position: row.position, expected: ["succeeded"], attempts: step.attempts },
  });
  if (!token) return reload(engine, op.id);
  let current = advanced(op, token, op.state, acquire, engine.owner);

  const lease = engine.leases.hold(op.id, row.position, sentAt);
  const release: Record<number, LeaseChange> = { [row.position]: "release" };
  try {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      // An undo attempt is a step span too (compensation: true), in the operation's trace, so
      // its outbound calls (httpEffect) are its children.
      const attributes = {
        [ATTRS.operationId]: op.id,
        [ATTRS.type]: op.type,
        [ATTRS.version]: op.version,
        [ATTRS.step]: step.name,
        [ATTRS.attempt]: attempt,
        [ATTRS.compensation]: true,
      };
      const failure = await inSpan(SPANS.step, { parent: stepParent(op), attributes }, async (span) => {
        let caught: ReturnType<typeof classifyError> | null = null;
        try {
          await withTimeout(def.timeoutMs, lease.signal, (signal) => {
            if (!("run" in def.compensation)) return Promise.resolve();
            return def.compensation.run({
              operationId: op.id,
              input: op.input,
              outputs: outputsOf(current.state),
              idempotencyKey: `${op.id}:${step.name}:compensate`,
              attempt,
              signal,
              providers: engine.providers,
              output: step.output,
            });
          });
        } catch (error) {
          caught = classifyError(error, { operationId: op.id, step: step.name, attempt, compensation: true });
        }
        span.setAttribute(ATTRS.outcome, caught ? caught.errorClass : "succeeded");
        if (caught) failSpan(span, new Error(caught.error.message));
        return caught;
      });
      const durationMs = Math.round(performance.now() - started);
      if (lease.signal.aborted) return { type: "done", result: "fenced" };

      let plan: Plan | null;
      let leases = release;
      const decision =
        failure?.errorClass === "transient" ? decideRetry(def.retry, attempt, engine.random()) : null;
      if (!failure) {
        const after = applyAll(current.state, [{ type: "step_compensated", step: step.name }]);
        plan = after && {
          after,
          events: [{ type: "step_compensated", step: step.name, data: { attempt, durationMs } }],
        };
      } else {
        const failed = {
          type: "attempt_failed" as const,
          step: step.name,
          data: {
            attempt,
            durationMs,
            compensation: true,
            errorClass: failure.errorClass,
            message: failure.error.message,
            ...(failure.error.detail ? { detail: failure.error.detail } : {}),
          },
        };
        if (decision?.type === "retry") {
          // Keep the lease and try again here: record the failed attempt, wait, repeat.
          plan = { after: current.state, events: [failed] };
          leases = {};
        } else {
          const reason = `Could not undo "${def.title}" after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${failure.error.message}`;
          const kind = failure.errorClass === "needs_person" ? failure.kind : "retries_exhausted";
          const block = { kind, reason, actionRequired: COMPENSATION_ACTION, step: step.name };
          const after = applyAll(current.state, [{ type: "blocked", block, error: failure.error }]);
          plan = after && {
            after,
            events: [failed, { type: "blocked", step: step.name, data: { ...block } }],
          };
        }
      }
      if (!plan) return reload(engine, op.id);
      const written = await engine.store.commit({
        ...commitBase(engine, current, plan, leases),
        guard: { kind: "lease", position: row.position },
      });
      if (!written) return reload(engine, op.id);
      current = advanced(current, written, plan.after, leases, engine.owner);
      if (decision?.type !== "retry" || !failure) return { type: "continue", op: current, claimed: false };
      // The undo's service may have said when to come back (Retry-After), within the policy's cap.
      const retryAfterMs = failure.errorClass === "transient" ? failure.retryAfterMs : undefined;
      const delayMs = honourRetryAfter(decision.delayMs, retryAfterMs, def.retry);
      await untilAborted(sleep(delayMs), lease.signal).catch(() => {});
    }
  } finally {
    lease.release();
  }
}

/**
 * A step with an undo was running when its worker died (its lease ran out): whether its effect
 * landed is unknown, and no output says what to undo. Finishing would mark it skipped and
 * could leave a landed effect in place; a person checks and undoes it by hand instead. The
 * block puts the step back to pending (resuming then finishes the failure) and frees its lease,
 * so the dead worker's late answer, if any, is discarded.
 */
async function blockOnUnknownOutcome(
  engine: Engine,
  op: LoadedOperation,
  index: number,
  def: StepDefinition,
): Promise<Turn> {
  const step = op.state.steps[index]!;
  const row = op.rows[index]!;
  const block = {
    kind: "retries_exhausted" as const,
    reason: `The worker running "${def.title}" stopped before it answered, so whether it happened is unknown.`,
    actionRequired: COMPENSATION_ACTION,
    step: step.name,
  };
  const after = applyAll(op.state, [{ type: "blocked", block }]);
  if (!after) return reload(engine, op.id);
  const plan: Plan = { after, events: [{ type: "blocked", step: step.name, data: { ...block } }] };
  const leases: Record<number, LeaseChange> = { [row.position]: "release" };
  const token = await engine.store.commit({
    ...commitBase(engine, op, plan, leases),
    guard: { kind: "claim", position: row.position, expected: ["running"], attempts: step.attempts },
  });
  if (!token) return reload(engine, op.id);
  return { type: "continue", op: advanced(op, token, after, leases, engine.owner), claimed: false };
}

async function finishFailed(engine: Engine, op: LoadedOperation): Promise<Turn> {
  const after = applyAll(op.state, [{ type: "failed" }]);
  if (!after) return reload(engine, op.id);
  const failure = after.failure;
  const plan: Plan = {
    after,
    events: [
      {
        type: "failed",
        step: failure?.step ?? null,
        data: { message: failure?.message, code: failure?.code },
      },
    ],
  };
  const token = await engine.store.commit({
    ...commitBase(engine, op, plan, {}),
    guard: { kind: "none" },
  });
  if (!token) return reload(engine, op.id);
  return { type: "continue", op: advanced(op, token, after, {}, engine.owner), claimed: false };
}

function outputsOf(state: OperationState): Record<string, unknown> {
  return Object.fromEntries(
    state.steps.filter((s) => s.status === "succeeded").map((s) => [s.name, s.output]),
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
