import type { BlockKind, ErrorClass, OperationStatus, StepStatus } from "./statuses";

/** An error as recorded on a step or operation: safe to show to staff, never a stack trace. */
export interface RecordedError {
  message: string;
  errorClass?: ErrorClass;
  code?: string;
  step?: string;
  /** An unexpected error's incident: its details are in the log under this id, not here. */
  incidentId?: string;
  /**
   * The request may have reached the outside system and been applied although no answer came
   * back (a lost answer, the step's timeout or a lost lease while the effect ran, a worker that
   * died mid-attempt): the effect may already exist. See `outcomeUnknown` in server/engine/classify.ts.
   */
  outcomeUnknown?: true;
  /** A kit error's facts for staff (`StepError.detail`: e.g. an HTTP effect's redacted summary). */
  detail?: Record<string, unknown>;
}

export interface StepState {
  name: string;
  status: StepStatus;
  attempts: number;
  output: unknown;
  lastError: RecordedError | null;
  skipReason: string | null;
  nextAttemptAt: Date | null;
}

export interface Block {
  kind: BlockKind;
  reason: string;
  actionRequired: string;
  step: string | null;
}

/** Everything the transition function needs to know about one operation. */
export interface OperationState {
  status: OperationStatus;
  steps: StepState[];
  block: Block | null;
  /** Set when the operation is going to fail (compensations may still run); final once status is `failed`. */
  failure: RecordedError | null;
  result: unknown;
}

export function plannedState(stepNames: readonly string[]): OperationState {
  return {
    status: "accepted",
    steps: stepNames.map((name) => ({
      name,
      status: "pending",
      attempts: 0,
      output: null,
      lastError: null,
      skipReason: null,
      nextAttemptAt: null,
    })),
    block: null,
    failure: null,
    result: null,
  };
}
