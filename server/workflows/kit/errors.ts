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
