import { TRPCError } from "@trpc/server";
import { isDatabaseUnavailable } from "@/db/errors";
import type { FieldIssue } from "@/server/operations/issues";

/** One table from domain refusals to tRPC codes; the UI reads `data.domain`. */
const CODES = {
  unknown_workflow: "UNPROCESSABLE_CONTENT",
  invalid_input: "BAD_REQUEST",
  idempotency_conflict: "CONFLICT",
  not_found: "NOT_FOUND",
  // People, keys and operator actions (issue 7)
  conflict: "CONFLICT",
  /** Someone (maybe another operator a moment ago) already did it: nothing was changed. */
  already_done: "CONFLICT",
  /** The current state does not allow this action (e.g. replaying a completed step). */
  invalid_state: "PRECONDITION_FAILED",
  invalid_token: "BAD_REQUEST",
  last_admin: "PRECONDITION_FAILED",
  workflow_paused: "SERVICE_UNAVAILABLE",
  /** A durable wait was answered first by someone else (issue 12): the first answer stands. */
  wait_completed: "CONFLICT",
  /** A durable wait's deadline passed, or its operation moved on: it can no longer be completed. */
  wait_expired: "PRECONDITION_FAILED",
  /** PostgreSQL is unreachable or stalled (issue 15 hole 2): nothing may be assumed; retry. */
  database_unavailable: "SERVICE_UNAVAILABLE",
} as const;
export type DomainErrorType = keyof typeof CODES;

/** A typed, expected refusal carried as a TRPCError's cause. */
export class DomainError extends Error {
  constructor(
    readonly type: DomainErrorType,
    readonly userMessage: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(userMessage);
  }
  toData() {
    return { type: this.type, userMessage: this.userMessage, issues: this.issues };
  }
}

export function domainError(
  type: DomainErrorType,
  userMessage: string,
  issues: FieldIssue[] = [],
): TRPCError {
  return new TRPCError({
    code: CODES[type],
    message: userMessage,
    cause: new DomainError(type, userMessage, issues),
  });
}

const UNAVAILABLE_MESSAGE = "Throughline can't reach its database right now; retry in a few seconds.";

/** The typed error an unreachable database becomes, with the original kept as its cause's cause. */
export function databaseUnavailableError(cause: unknown): TRPCError {
  const error = domainError("database_unavailable", UNAVAILABLE_MESSAGE);
  (error.cause as DomainError).cause = cause;
  return error;
}

/**
 * True for an error that means "the database is unreachable": already typed, or a raw driver
 * error tRPC wrapped as INTERNAL_SERVER_ERROR (thrown while building the context, before any
 * procedure middleware could type it).
 */
export function isDatabaseUnavailableError(error: TRPCError): boolean {
  if (error.cause instanceof DomainError) return error.cause.type === "database_unavailable";
  return isDatabaseUnavailable(error.cause);
}

/** The formatted shape of a database outage, whatever tRPC first made of it. */
export function databaseUnavailableData() {
  return { type: "database_unavailable" as const, userMessage: UNAVAILABLE_MESSAGE, issues: [] };
}
