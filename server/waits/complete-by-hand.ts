import type { Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { reasonProblem } from "@/server/actions/plans";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { StaffPrincipal } from "@/server/auth/session";
import type { OperationStatus } from "@/server/domain/statuses";
import type { Acknowledgment, WaitService } from "./wait-service";

export interface CompleteByHandOptions {
  operationId: string;
  step: string;
  /** What the person records: the step's payload, or a failure classified like any error. */
  acknowledgment: Acknowledgment;
  reason: string;
  principal: StaffPrincipal;
  requestMeta: RequestMeta;
}

export type CompleteByHandResult =
  | {
      type: "completed";
      waitId: string;
      statusBefore: OperationStatus;
      statusAfter: OperationStatus;
      auditSeq: number;
    }
  | { type: "invalid_reason"; message: string }
  | { type: "not_found" }
  /** The payload is not what the step declared; nothing changed. */
  | { type: "invalid"; issues: { path: string; message: string }[] }
  /** Someone (the other system, another person) completed it first: their answer stands. */
  | { type: "already_completed"; completedAt: string | null }
  /** Its deadline passed (it blocked or failed as declared), or the operation moved on: resume or cancel instead. */
  | { type: "expired"; reason: "deadline_passed" | "expired" | "finished" };

/**
 * An operator completes a wait by hand (the carrier confirmed on the phone): the same first-wins
 * acknowledgment as the callback (WaitService), by `user:<email>`, with the audit record
 * (`wait_completed_by_hand`, the reason) in the same transaction. Unlike a partner's retry, a
 * person repeating an answer is told it was already completed.
 */
export async function completeWaitByHand(
  deps: { db: Db; waits: WaitService },
  options: CompleteByHandOptions,
): Promise<CompleteByHandResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "invalid_reason", message: problem };
  const reason = options.reason.trim();
  const who = `user:${options.principal.email}`;
  return transaction(deps.db, async (tx) => {
    const [before] = await tx.sql<{ status: OperationStatus; type: string }[]>`
      select status, type from operations where id = ${options.operationId}`;
    if (!before) return { type: "not_found" } as const;
    const result = await deps.waits.acknowledgeIn(
      tx,
      { operationId: options.operationId, step: options.step },
      options.acknowledgment,
      { by: who, actor: who },
    );
    switch (result.type) {
      case "not_found":
      case "invalid":
        return result;
      case "conflict":
        return { type: "already_completed", completedAt: result.wait.completedAt } as const;
      case "gone":
        return { type: "expired", reason: result.reason } as const;
      case "accepted": {
        if (result.replayed)
          return { type: "already_completed", completedAt: result.wait.completedAt } as const;
        const [after] = await tx.sql<{ status: OperationStatus }[]>`
          select status from operations where id = ${options.operationId}`;
        const ack = options.acknowledgment;
        const audit = await appendAudit(tx, {
          actor: auditActorOf(options.principal),
          action: "wait_completed_by_hand",
          request: options.requestMeta,
          reason,
          operationId: options.operationId,
          step: options.step,
          workflowType: before.type,
          statusBefore: before.status,
          statusAfter: after?.status ?? before.status,
          details:
            ack.status === "succeeded"
              ? { waitId: result.wait.id, outcome: "succeeded", payload: ack.payload }
              : { waitId: result.wait.id, outcome: ack.errorClass, message: ack.message },
        });
        return {
          type: "completed",
          waitId: result.wait.id,
          statusBefore: before.status,
          statusAfter: after?.status ?? before.status,
          auditSeq: audit.seq,
        } as const;
      }
    }
  });
}
