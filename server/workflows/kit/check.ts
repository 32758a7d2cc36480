import {
  type RetryPolicy,
  type StepDefinition,
  SYNTHETIC_DEADLINE_MS,
  SYNTHETIC_MIN_EVERY_MS,
  type WorkflowDefinition,
} from "@/server/workflows/kit/types";
import { checkWaits } from "./check-waits";
import { checkNamedControls } from "./controls";
import { checkEndUserAction } from "./end-user-action";

/** One missing or broken part of a workflow's execution story. */
export interface StoryProblem {
  workflow: string;
  step: string | null;
  problem: string;
}

const blank = (value: unknown) => typeof value !== "string" || value.trim().length === 0;

/**
 * A workflow is finished only when its whole execution story is told: for the workflow,
 * product language, a completion objective (p95), a stuck threshold and a runbook; for
 * each step, product language, a retry policy, a timeout, a described effect, and a
 * compensation — or an explicit "none" with the reason. `npm run workflows:check` fails
 * on any problem this finds.
 */
export function checkWorkflow(def: WorkflowDefinition): StoryProblem[] {
  const workflow = `${def.type} v${def.version}`;
  const problems: StoryProblem[] = [];
  const add = (step: string | null, problem: string) => problems.push({ workflow, step, problem });

  if (blank(def.title)) add(null, "has no title");
  if (blank(def.description)) add(null, "has no description");
  for (const key of ["accepted", "completed", "failed"] as const) {
    if (blank(def.text?.[key])) add(null, `has no product language for "${key}" (text.${key})`);
  }
  if (!positive(def.objective?.p95Ms))
    add(null, "has no completion objective (objective.p95Ms, accepted → completed)");
  if (!positive(def.stuckAfterMs)) add(null, "has no stuck threshold (stuckAfterMs)");
  if (blank(def.runbook)) add(null, "has no runbook");
  if (!Number.isInteger(def.version) || def.version < 1)
    add(null, "has a version that is not a positive integer");
  if (def.steps.length === 0) add(null, "has no steps");
  const example = def.input.safeParse(def.exampleInput);
  if (!example.success) add(null, "has an exampleInput its own input schema rejects");

  for (const problem of checkSynthetic(def)) add(null, problem);

  // Only what the product offers: a runbook or a person's words naming a control that exists.
  for (const { step, problem } of checkNamedControls(def)) add(step, problem);

  const seen = new Set<string>();
  for (const [index, step] of def.steps.entries()) {
    // A step that checks the world or waits for a person stands between later effects and a
    // mistake: an operator about to skip it must be told what it guards.
    const guarding = step.precondition || step.errors?.needs_person || step.userActionText;
    if (guarding && index < def.steps.length - 1 && blank(step.guards))
      add(
        step.name,
        "checks or waits before later steps but does not say what skipping it lets through (guards)",
      );
    if (seen.has(step.name)) add(step.name, "is declared twice");
    seen.add(step.name);
    for (const problem of checkStep(step)) add(step.name, problem);
  }
  return problems;
}

/** A synthetic check runs unattended for ever: its input must be valid and its pace a probe's. */
function checkSynthetic(def: WorkflowDefinition): string[] {
  const s = def.synthetic;
  if (!s) return [];
  const problems: string[] = [];
  if (!Number.isInteger(s.everyMs) || s.everyMs < SYNTHETIC_MIN_EVERY_MS)
    problems.push(
      `has a synthetic check more often than every ${SYNTHETIC_MIN_EVERY_MS} ms (synthetic.everyMs)`,
    );
  const deadline = s.deadlineMs ?? SYNTHETIC_DEADLINE_MS;
  if (!positive(deadline) || deadline > s.everyMs)
    problems.push(
      "has a synthetic deadline that is not positive or longer than its interval (synthetic.deadlineMs)",
    );
  if (!def.input.safeParse(s.input).success)
    problems.push("has a synthetic input its own input schema rejects (synthetic.input)");
  return problems;
}

function checkStep(step: StepDefinition): string[] {
  const problems: string[] = [];
  if (blank(step.name) || !/^[a-z][a-z0-9_]*$/.test(step.name)) problems.push("needs a snake_case name");
  if (blank(step.title)) problems.push("has no title");
  if (blank(step.userText)) problems.push("has no product language (userText)");
  if (blank(step.effect?.description) || typeof step.effect?.run !== "function") {
    problems.push("has no described effect");
  }
  if (
    step.precondition &&
    (blank(step.precondition.description) || typeof step.precondition.check !== "function")
  ) {
    problems.push("has a precondition without a description");
  }
  const compensation = step.compensation as
    | Partial<{ description: string; run: unknown; none: string }>
    | undefined;
  if (!compensation) {
    problems.push('has no compensation (give one, or { none: "why nothing needs undoing" })');
  } else if ("none" in compensation) {
    if (blank(compensation.none)) problems.push("says its compensation is none without saying why");
  } else if (blank(compensation.description) || typeof compensation.run !== "function") {
    problems.push("has a compensation without a description or a function");
  }
  problems.push(...checkRetry(step.retry));
  if (!positive(step.timeoutMs)) problems.push("has no timeout (timeoutMs)");
  problems.push(...checkPromises(step));
  problems.push(...checkWaits(step));
  return problems;
}

/** Telling the end user to act when nothing is theirs to do is the untruth this catches. */
const NOTHING_TO_DO = /\b(don't|do not|no) need to\b|\bnothing to do\b/i;

/** What the step promises people: the end user's wait or action, staff's view of a lost answer. */
function checkPromises(step: StepDefinition): string[] {
  const problems: string[] = [];
  if (step.userActionText !== undefined && blank(step.userActionText))
    problems.push("has an empty userActionText");
  if (step.userActionText && NOTHING_TO_DO.test(step.userActionText))
    problems.push(
      "has a userActionText saying the end user need do nothing: that is a wait on us (userWaitText)",
    );
  if (step.userWaitText !== undefined && blank(step.userWaitText)) problems.push("has an empty userWaitText");
  problems.push(...checkEndUserAction(step));
  if (step.errors?.needs_person && blank(step.userWaitText) && blank(step.userActionText))
    problems.push(
      "can wait for a person (errors.needs_person) but gives the end user no words for it (userWaitText, or userActionText when the end user must act)",
    );
  // A step that can fail transiently calls an outside system, whose answer can be lost after the
  // request went out: staff must be told what may already have happened.
  if (step.errors?.transient && blank(step.unknownOutcomeText))
    problems.push(
      "calls an outside system (errors.transient) but does not say what may have happened when its answer is lost (unknownOutcomeText)",
    );
  return problems;
}

function checkRetry(retry: RetryPolicy | undefined): string[] {
  if (!retry) return ["has no retry policy"];
  const problems: string[] = [];
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)
    problems.push("retry.maxAttempts must be ≥ 1");
  if (!(retry.initialDelayMs >= 0)) problems.push("retry.initialDelayMs must be ≥ 0");
  if (!(retry.backoff >= 1)) problems.push("retry.backoff must be ≥ 1");
  if (!(retry.maxDelayMs >= retry.initialDelayMs)) problems.push("retry.maxDelayMs must be ≥ initialDelayMs");
  if (retry.onExhausted !== undefined && retry.onExhausted !== "block" && retry.onExhausted !== "fail") {
    problems.push('retry.onExhausted must be "block" or "fail"');
  }
  return problems;
}

function positive(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}
