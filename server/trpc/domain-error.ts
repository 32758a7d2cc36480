import { TRPCError } from "@trpc/server";
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
