import type { StepDefinition } from "./types";

/** What staff read about a step whose effect the kit has no words for. */
export const DEFAULT_UNKNOWN_OUTCOME_TEXT =
  "An attempt's answer was lost after its request went out, so the step's effect may already exist; resuming repeats the request with the same idempotency key.";

/**
 * When a step's answer was lost after its request went out (the engine marks the error
 * `outcomeUnknown`): what may already have happened and why resuming is safe, in the workflow's
 * words (`unknownOutcomeText`), else the kit's. Shown in the block reason and on the step.
 */
export function unknownOutcomeSentence(def: Pick<StepDefinition, "unknownOutcomeText"> | undefined): string {
  return def?.unknownOutcomeText ?? DEFAULT_UNKNOWN_OUTCOME_TEXT;
}
