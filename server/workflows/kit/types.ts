import type { z } from "zod";
import type { RecheckSignal } from "@/server/domain/recheck";
import type { BlockKind, ErrorClass } from "@/server/domain/statuses";
import type { Providers } from "@/server/providers";
import type { EndUserAction } from "./end-user-action";
import type { StepTimer } from "./timer";
import type { StepWait, WaitCallback } from "./wait";

/**
 * A workflow is declared in code and reads top to bottom as its execution story:
 * steps in order, each with precondition, effect, compensation, retry policy,
 * timeout and the words the end user sees while it runs.
 */

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  initialDelayMs: number;
  /** Multiplier applied per attempt (exponential backoff). */
  backoff: number;
  maxDelayMs: number;
  /** What happens when attempts run out: wait for a person (default) or fail the operation. */
  onExhausted?: "block" | "fail";
}

/** What a step may read and must pass to external systems. */
export interface StepContext<TInput = unknown> {
  operationId: string;
  input: TInput;
  /** Outputs of earlier steps, by step name. */
  outputs: Record<string, unknown>;
  /** Derived from (operation, step): pass it to every external call so a repeat applies nothing twice. */
  idempotencyKey: string;
  attempt: number;
  signal: AbortSignal;
  /** The simulated external systems, wired by whoever started the worker. */
  providers: Providers;
  /** Only for a step with `wait`: the callback to hand to the system that will acknowledge. */
  callback?: WaitCallback;
  /**
   * Only for a step with `endUserAction`: the end user's latest answer to its form (or staff's
   * for them), validated by its schema; undefined until one came. The precondition reads it.
   */
  endUserAnswer?: Record<string, string>;
}

/** A precondition re-reads the authoritative business state before acting. */
export type PreconditionResult =
  | { ok: true }
  | {
      ok: false;
      outcome: "block";
      kind: BlockKind;
      reason: string;
      actionRequired: string;
      /**
       * This block may clear by itself (stock arriving): the step's `precondition.recheck`
       * checks again on its schedule and resumes when the check passes. Unset: a person's block.
       */
      recheck?: boolean;
    }
  | { ok: false; outcome: "fail"; reason: string };

/**
 * How a precondition block marked `recheck` checks again by itself: after each wait of
 * `everyMs` (the last one repeats), and at once when `on` happens; it resumes when the check
 * passes, and once blocked for `handOverAfterMs` it stops checking and hands the block to a
 * person, whose action is `handOverAction`. Durable: each check is a delayed run job.
 */
export interface Recheck {
  everyMs: readonly number[];
  handOverAfterMs: number;
  on?: readonly RecheckSignal[];
  handOverAction: string;
}

export interface StepDefinition<TInput = unknown> {
  name: string;
  title: string;
  /** Product language shown to the end user while this step runs. */
  userText: string;
  /**
   * What the END USER must do when this step blocks, shown as "Action needed: …". Only for a
   * block that really waits on them (upload a document, confirm an address); never for one a
   * person of ours or an outside system resolves — that is `userWaitText`.
   */
  userActionText?: string;
  /**
   * What the end user reads while this step is blocked on us or an outside system (a
   * precondition or a needs-a-person error of this step): who is on it and what happens next,
   * e.g. "Our compliance team is reviewing your documents; you don't need to do anything."
   * Retries running out is never the step's own story: the kit words it (`status-text.ts`).
   */
  userWaitText?: string;
  /**
   * When this step's answer was lost after its request went out (`answer_lost`, a timeout of the
   * effect): what may already have happened and why resuming is safe, for staff, e.g. "The payment
   * provider may have charged the card; resuming repeats the request with the same idempotency
   * key, which does not charge twice." Every step with an effect on an outside system needs one.
   */
  unknownOutcomeText?: string;
  /**
   * What this step guards for the steps after it, said to an operator about to skip it
   * ("every item exists and is in stock before the customer is charged"). Required of a step
   * with a precondition or a person's wait that has later steps (workflows:check).
   */
  guards?: string;
  precondition?: {
    description: string;
    check(ctx: StepContext<TInput>): Promise<PreconditionResult>;
    recheck?: Recheck;
  };
  effect: { description: string; run(ctx: StepContext<TInput>): Promise<unknown> };
  compensation:
    | { description: string; run(ctx: StepContext<TInput> & { output: unknown }): Promise<void> }
    | { none: string };
  retry: RetryPolicy;
  timeoutMs: number;
  /** The step waits for another system's acknowledgment once its effect returns (./wait.ts). */
  wait?: StepWait;
  /** The form the end user answers when this step blocks on them (`awaiting_end_user`; ./end-user-action.ts). */
  endUserAction?: EndUserAction;
  /** The step runs no earlier than a time or a delay; until then a durable timer, no worker (./timer.ts). */
  timer?: StepTimer;
  /** Error classes this step is known to raise, for the execution story. */
  errors?: Partial<Record<ErrorClass, string>>;
}

export type CompletionModel = { mode: "staged" } | { mode: "sync"; budgetMs: number };

export interface WorkflowDefinition<TSchema extends z.ZodType = z.ZodType> {
  type: string;
  version: number;
  title: string;
  description: string;
  input: TSchema;
  exampleInput: z.input<TSchema>;
  completion: CompletionModel;
  steps: StepDefinition<z.output<TSchema>>[];
  /** Product language for the whole operation. */
  text: { accepted: string; completed: string; failed: string };
  /** Target p95 from accepted to completed. */
  objective: { p95Ms: number };
  /** A non-terminal operation with no progress for this long is stuck. */
  stuckAfterMs: number;
  runbook: string;
  /** Opts the type into synthetic checks through the public API (server/synthetic/); absent: none. */
  synthetic?: SyntheticCheck<z.input<TSchema>>;
}

/**
 * A synthetic check of one workflow type: every `everyMs` one operation with `input` goes
 * through POST /api/v1/operations and the workers until its track page says completed.
 * The run fails past `deadlineMs` (default SYNTHETIC_DEADLINE_MS); it is slow past the
 * `synthetic_check` alert rule's budget. Keep the input free of outside effects: it runs for ever.
 */
export interface SyntheticCheck<TInput = unknown> {
  everyMs: number;
  input: TInput;
  deadlineMs?: number;
}

/** Past this a synthetic run is recorded as failed (timed out); above the alert budget, so slow shows as slow. */
export const SYNTHETIC_DEADLINE_MS = 30_000;
/** Below this a check would be load, not a probe. */
export const SYNTHETIC_MIN_EVERY_MS = 10_000;

/** Keeps the input type flowing into every step while the registry stores the erased form. */
export function defineWorkflow<TSchema extends z.ZodType>(
  definition: WorkflowDefinition<TSchema>,
): WorkflowDefinition {
  return definition as unknown as WorkflowDefinition;
}
