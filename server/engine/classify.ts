import { isDatabaseUnavailable } from "@/db/errors";
import type { RecordedError } from "@/server/domain/operation-state";
import type { BlockKind, ErrorClass } from "@/server/domain/statuses";
import { logIncident } from "@/server/logger";
import { NeedsPersonError, PermanentError, StepError, TransientError } from "@/server/workflows/kit/errors";

export type ClassifiedError =
  | { errorClass: "transient"; error: RecordedError; retryAfterMs?: number }
  | { errorClass: "permanent"; error: RecordedError }
  | { errorClass: "needs_person"; error: RecordedError; kind: BlockKind; actionRequired: string };

/** Where an unexpected error happened, for its log line (never for the stored text). */
export interface ErrorSite {
  operationId?: string;
  step?: string;
  attempt?: number;
  compensation?: boolean;
}

/**
 * Sorts any thrown value into one of the three classes. The step-author errors of
 * server/workflows/kit/errors.ts say their class and carry words written for people. Anything
 * else is unexpected: a database refusing the data (SQLSTATE class 22, data exception: a number
 * out of range, invalid text; class 23, a constraint) will refuse it again, so it is permanent;
 * a lost connection and every other surprise is transient (retries are capped). An unexpected
 * error's own text (driver messages quote the SQL and its parameters, emails included) is never
 * recorded: see publicStepError.
 */
export function classifyError(thrown: unknown, site: ErrorSite = {}): ClassifiedError {
  if (thrown instanceof NeedsPersonError) {
    return {
      errorClass: "needs_person",
      error: authored(thrown, "needs_person"),
      kind: thrown.kind,
      actionRequired: thrown.actionRequired,
    };
  }
  if (thrown instanceof PermanentError)
    return { errorClass: "permanent", error: authored(thrown, "permanent") };
  if (thrown instanceof StepError) {
    const retryAfterMs = thrown instanceof TransientError ? thrown.retryAfterMs : undefined;
    return {
      errorClass: "transient",
      error: authored(thrown, "transient"),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  const kind = unexpectedKind(thrown);
  const errorClass = kind.permanent ? "permanent" : "transient";
  const { message, incidentId } = publicStepError(thrown, site, kind);
  return { errorClass, error: { message, errorClass, code: kind.code, incidentId } };
}

/** Codes of a step error whose request may have been applied: the answer never came back. */
const LOST_ANSWER_CODES = new Set(["answer_lost"]);
/** Codes of the engine cutting an attempt off: unknown outcome only once the effect had started. */
const CUT_OFF_CODES = new Set(["timeout", "lease_lost"]);

/**
 * Whether the effect may have happened although the attempt failed: the provider lost its answer
 * after the request went out (`answer_lost`), or the step's timeout or a lost lease stopped the
 * engine waiting while the effect ran. A failure before the effect started (the precondition) or
 * a refusal leaves nothing behind. Staff are told (the step's `unknownOutcomeText`); the retry is
 * safe because it repeats the request with the same idempotency key.
 */
export function outcomeUnknown(thrown: unknown, effectStarted: boolean): boolean {
  if (!(thrown instanceof StepError) || !thrown.code) return false;
  return LOST_ANSWER_CODES.has(thrown.code) || (effectStarted && CUT_OFF_CODES.has(thrown.code));
}

function authored(thrown: StepError, errorClass: ErrorClass): RecordedError {
  return {
    message: thrown.message,
    errorClass,
    ...(thrown.code ? { code: thrown.code } : {}),
    ...(thrown.detail ? { detail: thrown.detail } : {}),
  };
}

interface UnexpectedKind {
  code: string;
  permanent: boolean;
  /** A sentence naming the kind of failure, nothing from the error itself but a SQLSTATE. */
  text: string;
  sqlstate?: string;
}

/** The SQLSTATE of the first PostgreSQL error on the cause chain (drizzle wraps the driver's). */
export function sqlStateOf(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 8; depth++) {
    const { code, severity, name } = e as { code?: unknown; severity?: unknown; name?: unknown };
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && (severity || name === "PostgresError"))
      return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function unexpectedKind(thrown: unknown): UnexpectedKind {
  if (isDatabaseUnavailable(thrown))
    return { code: "database_unavailable", permanent: false, text: "The database could not be reached." };
  const sqlstate = sqlStateOf(thrown);
  if (sqlstate?.startsWith("22"))
    return {
      code: "database_invalid_value",
      permanent: true,
      text: `The database refused a value as out of range or invalid (SQLSTATE ${sqlstate}).`,
      sqlstate,
    };
  if (sqlstate?.startsWith("23"))
    return {
      code: "database_constraint",
      permanent: true,
      text: `A database constraint refused the change (SQLSTATE ${sqlstate}).`,
      sqlstate,
    };
  if (sqlstate)
    return {
      code: "database_error",
      permanent: false,
      text: `The database refused the step's query (SQLSTATE ${sqlstate}).`,
      sqlstate,
    };
  // A class name is chosen by code, not data; anything odd-looking is not repeated.
  const name =
    thrown instanceof Error && /^[A-Za-z][A-Za-z0-9_]{0,59}$/.test(thrown.name) ? thrown.name : null;
  return {
    code: "unexpected_error",
    permanent: false,
    text: name
      ? `The step failed with an unexpected error (${name}).`
      : "The step failed with an unexpected error.",
  };
}

/**
 * What of an unexpected step error a caller may see: a sentence naming its kind and an incident
 * id, and nothing of its own text. The raw error (message, SQL, parameters, stack, causes) goes to
 * the log once, under the same incident id, with where it happened: the operator searches the log
 * for the id shown on the operation (API resource, console, block reason).
 */
export function publicStepError(
  err: unknown,
  site: ErrorSite = {},
  kind: UnexpectedKind = unexpectedKind(err),
): { message: string; incidentId: string } {
  const unavailable = kind.code === "database_unavailable";
  const incidentId = logIncident(
    err,
    { code: kind.code, sqlstate: kind.sqlstate, ...site },
    unavailable ? "step error: database unavailable" : "unexpected step error",
    unavailable ? "warn" : "error",
  );
  return { message: `${kind.text} Incident ${incidentId}: the details are in the logs.`, incidentId };
}
