/**
 * The closed sets of states, defined once. Every layer (database enums, API, UI,
 * logs, metrics) uses these words and nothing else.
 */

/** What a person sees about an operation. */
export const OPERATION_STATUSES = ["accepted", "processing", "blocked", "failed", "completed"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

const TERMINAL_OPERATION_STATUSES = ["failed", "completed"] as const satisfies readonly OperationStatus[];

export function isTerminal(status: OperationStatus): status is "failed" | "completed" {
  return (TERMINAL_OPERATION_STATUSES as readonly OperationStatus[]).includes(status);
}

/** Not finished yet: what the console counts as in flight and a version must stay registered for. */
export const IN_FLIGHT_STATUSES = [
  "accepted",
  "processing",
  "blocked",
] as const satisfies readonly OperationStatus[];

/** In flight and not waiting for a person: what a worker may pick up (recovery, un-pausing). */
export const RUNNABLE_STATUSES = ["accepted", "processing"] as const satisfies readonly OperationStatus[];

/** A step's finer state; the operation status is derived from these. */
export const STEP_STATUSES = [
  "pending",
  "running",
  "retrying",
  "succeeded",
  "failed",
  "skipped",
  "compensated",
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A step whose work counts as done for completion. */
export function isStepDone(status: StepStatus): boolean {
  return status === "succeeded" || status === "skipped";
}

/**
 * Why an operation is blocked, from one small closed set so blocked work can be
 * grouped, counted and alerted on by kind.
 */
export const BLOCK_KINDS = [
  "awaiting_person",
  "awaiting_external",
  "precondition_failed",
  "retries_exhausted",
  "invalid_input",
  /** The end user's move: a step's declared form (`endUserAction`) on the track page. */
  "awaiting_end_user",
] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** How an error is handled: retry, fail (and compensate), or ask a person. */
export const ERROR_CLASSES = ["transient", "permanent", "needs_person"] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export function assertNever(value: never, message = "Unexpected value"): never {
  throw new Error(`${message}: ${JSON.stringify(value)}`);
}
