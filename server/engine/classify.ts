import type { RecordedError } from "@/server/domain/operation-state";
import type { BlockKind, ErrorClass } from "@/server/domain/statuses";
import { NeedsPersonError, PermanentError, StepError } from "@/server/workflows/kit/errors";

export type ClassifiedError =
  | { errorClass: "transient"; error: RecordedError }
  | { errorClass: "permanent"; error: RecordedError }
  | { errorClass: "needs_person"; error: RecordedError; kind: BlockKind; actionRequired: string };

/**
 * Sorts any thrown value into one of the three classes (the step-author errors of
 * server/workflows/kit/errors.ts; anything else is transient), with a message safe to show staff.
 */
export function classifyError(thrown: unknown): ClassifiedError {
  if (thrown instanceof NeedsPersonError) {
    return {
      errorClass: "needs_person",
      error: recorded(thrown, "needs_person"),
      kind: thrown.kind,
      actionRequired: thrown.actionRequired,
    };
  }
  if (thrown instanceof PermanentError)
    return { errorClass: "permanent", error: recorded(thrown, "permanent") };
  return { errorClass: "transient", error: recorded(thrown, "transient") };
}

function recorded(thrown: unknown, errorClass: ErrorClass): RecordedError {
  if (thrown instanceof StepError) {
    return { message: thrown.message, errorClass, ...(thrown.code ? { code: thrown.code } : {}) };
  }
  if (thrown instanceof Error) {
    // Unknown errors keep their message (staff need it) but never a stack trace.
    return { message: thrown.message || thrown.name, errorClass, code: thrown.name };
  }
  return { message: String(thrown), errorClass };
}
