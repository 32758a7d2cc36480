import type { RecordedError } from "@/server/domain/operation-state";
import type { BlockKind, ErrorClass } from "@/server/domain/statuses";

/**
 * How a step tells the engine what went wrong. Effects and providers throw these; anything
 * else a step throws is treated as transient (retry), because an unknown error is more
 * often a blip than a verdict, and retries are capped.
 */
export abstract class StepError extends Error {
  abstract readonly errorClass: ErrorClass;
  /** A short machine-readable reason, e.g. `card_declined`, shown next to the message. */
  readonly code: string | undefined;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}

/** Worth trying again later: a timeout, an outage, a lost answer. */
export class TransientError extends StepError {
  readonly errorClass = "transient" as const;
  override name = "TransientError";
}

/** Will never succeed as asked: fail the operation and compensate what was done. */
export class PermanentError extends StepError {
  readonly errorClass = "permanent" as const;
  override name = "PermanentError";
}

/** A person must act before the step can continue: block with the action required. */
export class NeedsPersonError extends StepError {
  readonly errorClass = "needs_person" as const;
  override name = "NeedsPersonError";
  readonly kind: BlockKind;
  readonly actionRequired: string;

  constructor(
    message: string,
    options: { kind: BlockKind; actionRequired: string; code?: string; cause?: unknown },
  ) {
    super(message, options);
    this.kind = options.kind;
    this.actionRequired = options.actionRequired;
  }
}

/** The step ran past its timeout; the effect was told to stop through its AbortSignal. */
export class StepTimeoutError extends TransientError {
  override name = "StepTimeoutError";
  constructor(timeoutMs: number) {
    super(`The step did not finish within its ${timeoutMs} ms timeout.`, { code: "timeout" });
  }
}

export type ClassifiedError =
  | { errorClass: "transient"; error: RecordedError }
  | { errorClass: "permanent"; error: RecordedError }
  | { errorClass: "needs_person"; error: RecordedError; kind: BlockKind; actionRequired: string };

/** Sorts any thrown value into one of the three classes, with a message safe to show staff. */
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
