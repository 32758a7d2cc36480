import { transaction } from "@/db/transaction";
import { plannedState } from "@/server/domain/operation-state";
import { isTerminal } from "@/server/domain/statuses";
import { logContext } from "@/server/telemetry/log-context";
import { ATTRS, failSpan, inSpan, SPANS, stepParent } from "@/server/telemetry/tracing";
import { latestEndUserAnswer } from "@/server/waits/end-user-answer";
import { newCallback, openWait } from "@/server/waits/open";
import { WAIT_LEASE_PREFIX } from "@/server/waits/settings";
import { timerGate } from "@/server/waits/timer";
import type { StepDefinition, WorkflowDefinition } from "@/server/workflows/kit/types";
import { compensateNext } from "./compensate";
import type { Engine, RunResult } from "./engine";
import { executeStep } from "./execute";
import { type Plan, planOutcome, planStart, planTakeover, type StepOutcome } from "./plan";
import { recheckBlock, recheckJob } from "./recheck";
import type { RecheckJob, RunJob } from "./run-queue";
import type { Commit, LeaseChange } from "./store/commit";
import { type LoadedOperation, SWEEPER_LEASE_PREFIX } from "./store/load";
import { advanced, commitBase, done, reload, type Turn } from "./turn";

/** A retry job may be fetched a little before its time (clock skew between hosts). */
const EARLY_SLACK_MS = 1_000;
/** Bounds one run; a healthy workflow needs two turns per step at most. */
const MAX_TURNS = 200;

/**
 * One run of an operation: executes its steps in order, in this process, for as long as
 * they succeed. Each step is claimed with a lease (compare-and-set on its row), its
 * precondition re-reads the world, its effect runs with the step's idempotency key, and
 * its result is committed together with the claim of the next step. A retry, a block, a
 * lost lease or a shutdown ends the run; a delayed job or a person starts the next one.
 */
export async function runOperation(
  engine: Engine,
  operationId: string,
  /** From a start job: claim the first step straight away, without reading the operation first. */
  startedUnder?: { type: string; version: number },
  /** From a recheck job: the blocked step to check again before giving up on a blocked operation. */
  recheckJob?: RecheckJob,
): Promise<RunResult> {
  let recheck = recheckJob;
  const known = startedUnder && engine.registry.get(startedUnder.type, startedUnder.version);
  let op = known ? asAccepted(operationId, known) : await engine.store.load(operationId);
  let claimed = false;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    if (!op) return "missing";
    if (isTerminal(op.state.status)) return op.state.status as RunResult;
    const workflow = engine.registry.get(op.type, op.version);
    if (!workflow) {
      engine.log(`operation ${op.id}: ${op.type} v${op.version} is not registered in this build`);
      return "unknown_version";
    }
    if (op.state.block) {
      if (!recheck) return "blocked";
      // A block that may clear by itself: check again once; a pass resumes this same run.
      const checked = await recheckBlock(engine, op, workflow, recheck);
      recheck = undefined;
      if (checked.type === "done") return checked.result;
      op = checked.op;
      continue;
    }
    if (!claimed && engine.isStopping()) return handOff(engine, op.id);
    if (!claimed && engine.isPaused(op.type)) return "paused";
    const next: Turn = op.state.failure
      ? await compensateNext(engine, op, workflow)
      : claimed
        ? await runClaimedStep(engine, op, workflow)
        : await claimNextStep(engine, op, workflow);
    if (next.type === "done") return next.result;
    op = next.op;
    claimed = next.claimed;
  }
  engine.log(`operation ${operationId}: run stopped after ${MAX_TURNS} turns`);
  return handOff(engine, operationId);
}

/**
 * The operation as intake wrote it (every step pending). Its first claim is fenced on the
 * row still being `accepted` instead of a token; if it is not, the claim writes nothing and
 * the run reads the operation as usual.
 */
function asAccepted(id: string, workflow: WorkflowDefinition): LoadedOperation {
  const state = plannedState(workflow.steps.map((s) => s.name));
  return {
    id,
    type: workflow.type,
    version: workflow.version,
    input: undefined,
    createdAt: new Date(),
    token: null,
    state,
    rows: state.steps.map((s, position) => ({ ...s, position, leaseOwner: null, leaseLive: false })),
  };
}

function nextIndex(op: LoadedOperation): number {
  return op.state.steps.findIndex((s) => s.status !== "succeeded" && s.status !== "skipped");
}

function stepDefinition(workflow: WorkflowDefinition, name: string): StepDefinition {
  const def = workflow.steps.find((s) => s.name === name);
  if (!def) throw new Error(`Workflow ${workflow.type} v${workflow.version} has no step "${name}".`);
  return def;
}

async function claimNextStep(
  engine: Engine,
  op: LoadedOperation,
  workflow: WorkflowDefinition,
): Promise<Turn> {
  const index = nextIndex(op);
  if (index < 0) return done("completed");
  const step = op.state.steps[index]!;
  const row = op.rows[index]!;
  const def = stepDefinition(workflow, step.name);
  let plan: Plan | null = null;
  let started = true;
  switch (step.status) {
    case "running": {
      // Its attempt ended into a durable wait: only an acknowledgment or the deadline moves it.
      if (row.leaseOwner?.startsWith(WAIT_LEASE_PREFIX)) return done("waiting");
      if (row.leaseLive && !row.leaseOwner?.startsWith(SWEEPER_LEASE_PREFIX)) return done("busy");
      const takeover = planTakeover(op.state, def, engine.now(), engine.random());
      plan = takeover?.plan ?? null;
      started = takeover?.started ?? false;
      break;
    }
    case "retrying": {
      const wait = (step.nextAttemptAt?.getTime() ?? 0) - engine.now().getTime();
      if (wait > EARLY_SLACK_MS) {
        // Early (a duplicate or recovery job): make sure the retry still has its own job.
        await transaction(engine.db, (tx) => engine.runs.enqueue(tx, [retryJob(op.id, step.nextAttemptAt!)]));
        return done("waiting");
      }
      plan = planStart(op.state, step.name);
      break;
    }
    case "pending": {
      // A scheduled step: until its timer fires the run ends here, holding nothing.
      const gate = await timerGate(engine, op, def);
      if (gate) return gate;
      plan = planStart(op.state, step.name);
      break;
    }
    default:
      return done("busy");
  }
  if (!plan) return reload(engine, op.id);
  await engine.hooks.beforeClaim?.({ operationId: op.id, step: step.name, attempt: step.attempts + 1 });
  const leases: Record<number, LeaseChange> = { [row.position]: started ? "acquire" : "release" };
  const sentAt = Date.now();
  const token = await engine.store.commit({
    ...commitBase(engine, op, plan, leases),
    guard: { kind: "claim", position: row.position, expected: [step.status], attempts: step.attempts },
  });
  if (!token) return reload(engine, op.id);
  return {
    type: "continue",
    op: advanced(op, token, plan.after, leases, engine.owner, sentAt),
    claimed: started,
  };
}

/** Runs the claimed step (the one `nextIndex` points at) and commits what happened. */
async function runClaimedStep(
  engine: Engine,
  op: LoadedOperation,
  workflow: WorkflowDefinition,
): Promise<Turn> {
  const index = nextIndex(op);
  const step = op.state.steps[index]!;
  const row = op.rows[index]!;
  const def = stepDefinition(workflow, step.name);
  const info = { operationId: op.id, step: step.name, attempt: step.attempts };
  const lease = engine.leases.hold(op.id, row.position, row.leaseSince);
  const callback = def.wait ? newCallback(op.id, step.name) : undefined;
  try {
    const outputs = Object.fromEntries(
      op.state.steps.filter((s) => s.status === "succeeded").map((s) => [s.name, s.output]),
    );
    // A step with an end-user form reads their latest answer (its precondition decides).
    const endUserAnswer = def.endUserAction
      ? await latestEndUserAnswer(engine.db.$client, op.id, step.name)
      : undefined;
    // Every log line of this attempt (the step's own, providers', the engine's) says what it is for.
    const fields = {
      operation_id: op.id,
      type: op.type,
      version: op.version,
      step: step.name,
      attempt: step.attempts,
      ...(op.traceId ? { trace_id: op.traceId } : {}),
    };
    // The attempt's span, child of intake's (same trace as operations.trace_id); active while the
    // step runs, so its outbound calls (httpEffect) are its children and carry its traceparent.
    const attributes = {
      [ATTRS.operationId]: op.id,
      [ATTRS.type]: op.type,
      [ATTRS.version]: op.version,
      [ATTRS.step]: step.name,
      [ATTRS.attempt]: step.attempts,
    };
    const attempt = () =>
      executeStep({
        step: def,
        context: {
          operationId: op.id,
          input: op.input,
          outputs,
          idempotencyKey: `${op.id}:${step.name}`,
          attempt: step.attempts,
          providers: engine.providers,
          ...(callback ? { callback } : {}),
          ...(endUserAnswer ? { endUserAnswer } : {}),
        },
        signal: lease.signal,
        beforeEffect: async () => engine.hooks.beforeEffect?.(info),
      });
    const outcome = await logContext.run(fields, () =>
      inSpan(SPANS.step, { parent: stepParent(op), attributes }, async (span) => {
        const result = await attempt();
        span.setAttribute(ATTRS.outcome, outcomeName(result));
        if (result.type === "error") failSpan(span, new Error(result.error.error.message));
        return result;
      }),
    );
    await engine.hooks.afterEffect?.(info);
    if (callback && outcome.type === "succeeded") {
      return await openWait(engine, op, index, def, callback, outcome.durationMs);
    }
    // Its commit too: an incident logged while settling the outcome names the attempt.
    return await logContext.run(fields, () => settle(engine, op, index, def, outcome));
  } finally {
    lease.release();
  }
}

/** The span's `throughline.outcome`: succeeded, transient, permanent, needs_person, or the precondition's. */
function outcomeName(outcome: StepOutcome): string {
  if (outcome.type === "succeeded") return "succeeded";
  if (outcome.type === "error") return outcome.error.errorClass;
  return `precondition_${outcome.result.outcome}`;
}

/**
 * Commits a step's outcome while still holding its lease. On success, the next step is
 * claimed in the same statement (one commit per step). When an operator changed the
 * operation meanwhile, the outcome is planned again on the fresh state; when the lease
 * is gone, the result is discarded.
 */
async function settle(
  engine: Engine,
  initial: LoadedOperation,
  index: number,
  def: StepDefinition,
  outcome: StepOutcome,
): Promise<Turn> {
  let op = initial;
  for (let attempt = 0; attempt < 5; attempt++) {
    const position = op.rows[index]!.position;
    const plan = planOutcome(op.state, def, outcome, engine.now(), engine.random());
    if (plan) {
      const leases: Record<number, LeaseChange> = { [position]: "release" };
      const stopping = engine.isStopping();
      let claimsNext = false;
      if (
        outcome.type === "succeeded" &&
        !stopping &&
        !engine.isPaused(op.type) &&
        !isTerminal(plan.after.status) &&
        !plan.after.block
      ) {
        const following = plan.after.steps.findIndex(
          (s) => s.status !== "succeeded" && s.status !== "skipped",
        );
        const next = plan.after.steps[following];
        // A scheduled next step is not claimed here: the next turn opens its timer (timerGate).
        const scheduled = next && workflowStep(engine, op, next.name)?.timer;
        const start =
          next?.status === "pending" && !plan.after.failure && !scheduled
            ? planStart(plan.after, next.name)
            : null;
        if (start) {
          plan.after = start.after;
          plan.events.push(...start.events);
          leases[op.rows[following]!.position] = "acquire";
          claimsNext = true;
          await engine.hooks.beforeClaim?.({
            operationId: op.id,
            step: next!.name,
            attempt: next!.attempts + 1,
          });
        }
      }
      const jobs: RunJob[] = [];
      if (plan.retryAt) jobs.push(retryJob(op.id, plan.retryAt));
      else if (plan.recheck) jobs.push(recheckJob(op.id, def.name, 1, plan.recheck));
      else if (stopping && !isTerminal(plan.after.status) && !plan.after.block) {
        jobs.push({ data: { operationId: op.id, reason: "handoff" } });
      }
      const commit: Commit = { ...commitBase(engine, op, plan, leases), guard: { kind: "lease", position } };
      const sentAt = Date.now();
      const token = await engine.store.commit(commit, jobs);
      if (token) {
        if (plan.retryAt) {
          engine.onRetryScheduled(plan.retryAt);
          return done("waiting");
        }
        if (jobs.length > 0 && !plan.recheck) return done("handed_off");
        return {
          type: "continue",
          op: advanced(op, token, plan.after, leases, engine.owner, sentAt),
          claimed: claimsNext,
        };
      }
    }
    const fresh = await engine.store.load(op.id);
    if (!fresh) return done("missing");
    if (fresh.rows[index]?.leaseOwner !== engine.owner) {
      engine.log(`operation ${op.id}: lost the lease on "${def.name}"; its result is discarded`);
      return done("fenced");
    }
    op = fresh;
  }
  return done("fenced");
}

function workflowStep(engine: Engine, op: LoadedOperation, name: string): StepDefinition | undefined {
  return engine.registry.get(op.type, op.version)?.steps.find((s) => s.name === name);
}

function retryJob(operationId: string, at: Date): RunJob {
  return { data: { operationId, reason: "retry" }, startAfter: at };
}

async function handOff(engine: Engine, operationId: string): Promise<RunResult> {
  await transaction(engine.db, (tx) =>
    engine.runs.enqueue(tx, [{ data: { operationId, reason: "handoff" } }]),
  );
  return "handed_off";
}
