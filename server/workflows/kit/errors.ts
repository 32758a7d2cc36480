import type { BlockKind, ErrorClass } from "@/server/domain/statuses";

/**
 * How a step tells the engine what went wrong. Effects and providers throw these, and their
 * messages are shown to staff and API callers as written: put no personal data in them.
 * Anything else a step throws is unexpected (server/engine/classify.ts): a database refusing the
 * data (SQLSTATE classes 22 and 23) is permanent, since it would refuse it again; every other
 * unknown error is transient (retry), because it is more often a blip than a verdict, and
 * retries are capped. An unexpected error's own text is never recorded — only an incident id,
 * with the details in the log.
 */
export abstract class StepError extends Error {
  abstract readonly errorClass: ErrorClass;
  /** A short machine-readable reason, e.g. `card_declined`, shown next to the message. */
  readonly code: string | undefined;
  /**
   * Facts about the failed attempt for staff (e.g. the HTTP effect's redacted request summary and
   * the answer's problem details), recorded with the error on the attempt's timeline. JSON only,
   * small, and like the message free of personal data and secrets.
   */
  readonly detail: Record<string, unknown> | undefined;

  constructor(
    message: string,
    options: { code?: string; cause?: unknown; detail?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.detail = options.detail;
  }
}

/** Worth trying again later: a timeout, an outage, a lost answer. */
export class TransientError extends StepError {
  readonly errorClass = "transient" as const;
  override name = "TransientError";
  /**
   * The other system said when to come back (HTTP `Retry-After`): the retry waits at least this
   * long, up to the step's `retry.maxDelayMs` (the policy still bounds how long a step parks).
   */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { code?: string; cause?: unknown; detail?: Record<string, unknown>; retryAfterMs?: number } = {},
  ) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
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
