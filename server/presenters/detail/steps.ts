import type { SqlQueryable } from "@/db/transaction";
import type { ErrorClass, StepStatus } from "@/server/domain/statuses";
import { asDateOrNull } from "@/server/presenters/rows";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { unknownOutcomeSentence } from "@/server/workflows/kit/unknown-outcome";
import { redact } from "./redact";

export interface DetailStep {
  name: string;
  title: string;
  userText: string;
  status: StepStatus;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  nextAttemptAt: Date | null;
  lastError: { message: string; errorClass: ErrorClass | null; code: string | null } | null;
  output: unknown;
  skipReason: string | null;
  /**
   * The last attempt's answer was lost after its request went out: what may already have happened
   * and why resuming is safe (the workflow's words). Null once the step succeeded or when it did not.
   */
  outcomeUnknown: string | null;
}

interface StepRow {
  name: string;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  nextAttemptAt: string | null;
  lastError: { message?: string; errorClass?: ErrorClass; code?: string; outcomeUnknown?: boolean } | null;
  output: unknown;
  skipReason: string | null;
}

/**
 * The operation's steps in order, as staff see them on the detail page: the workflow's titles
 * and words (the step's name when its version is not registered), outputs redacted, and the
 * unknown-outcome sentence while it still matters.
 */
export async function detailSteps(
  sql: SqlQueryable,
  operationId: string,
  workflow: WorkflowDefinition | undefined,
): Promise<DetailStep[]> {
  const rows = await sql<StepRow[]>`
    select name, status, attempts, started_at as "startedAt", finished_at as "finishedAt",
      next_attempt_at as "nextAttemptAt", last_error as "lastError", output, skip_reason as "skipReason"
    from steps where operation_id = ${operationId}::uuid order by position`;
  const defs = new Map(workflow?.steps.map((s) => [s.name, s]));
  return rows.map((s) => {
    const def = defs.get(s.name);
    return {
      name: s.name,
      title: def?.title ?? s.name,
      userText: def?.userText ?? s.name,
      status: s.status,
      attempts: s.attempts,
      startedAt: asDateOrNull(s.startedAt),
      finishedAt: asDateOrNull(s.finishedAt),
      nextAttemptAt: asDateOrNull(s.nextAttemptAt),
      lastError: s.lastError?.message
        ? {
            message: s.lastError.message,
            errorClass: s.lastError.errorClass ?? null,
            code: s.lastError.code ?? null,
          }
        : null,
      output: redact(s.output),
      skipReason: s.skipReason,
      outcomeUnknown:
        s.lastError?.outcomeUnknown === true && s.status !== "succeeded" && s.status !== "compensated"
          ? unknownOutcomeSentence(def)
          : null,
    };
  });
}
