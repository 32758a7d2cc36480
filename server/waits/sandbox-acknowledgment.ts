import type { Db } from "@/db/client";
import { type Tx, transaction } from "@/db/transaction";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { StaffPrincipal } from "@/server/auth/session";
import type { OperationStatus } from "@/server/domain/statuses";
import type { Acknowledgment, WaitService } from "./wait-service";

/** What the sandbox page fires: what the outside system would send to the callback URL. */
export type SandboxSignal = Acknowledgment | { status: "heartbeat" };

export interface SandboxAcknowledgmentOptions {
  operationId: string;
  step: string;
  signal: SandboxSignal;
  principal: StaffPrincipal;
  requestMeta: RequestMeta;
}

export type SandboxAcknowledgmentResult =
  /** As the callback endpoint would have answered: 200 (replayed: the same one again), 409, 410. */
  | { type: "accepted"; replayed: boolean; waitId: string; statusAfter: OperationStatus; auditSeq: number }
  | { type: "conflict"; waitId: string; auditSeq: number }
  | { type: "gone"; reason: "deadline_passed" | "expired" | "finished"; waitId: string; auditSeq: number }
  | { type: "heartbeat"; heartbeatDeadlineAt: string; auditSeq: number }
  /** Nothing changed, nothing audited. */
  | { type: "not_found" }
  | { type: "invalid"; issues: { path: string; message: string }[] }
  | { type: "no_heartbeat" };

/**
 * The sandbox page plays the outside system (issue 12): a person fires the acknowledgment, the
 * failure or the heartbeat the partner would send, through the same WaitService as the callback
 * URL — so the first still wins, a repeat is answered from the row (and recorded on the timeline),
 * a late one is refused. Unlike "Complete by hand" (a person who heard the answer elsewhere), a
 * repeat here is the drill's point, not an error. Audited as `sandbox_acknowledgment_sent`: the
 * acknowledgment in the same transaction; a heartbeat just after it moved the heartbeat deadline.
 */
export async function sendSandboxAcknowledgment(
  deps: { db: Db; waits: WaitService },
  options: SandboxAcknowledgmentOptions,
): Promise<SandboxAcknowledgmentResult> {
  const who = `user:${options.principal.email}`;
  const { signal } = options;
  if (signal.status === "heartbeat") {
    const beat = await deps.waits.heartbeat({ operationId: options.operationId, step: options.step });
    if (beat.type === "not_found") return { type: "not_found" };
    if (beat.type === "gone") return { type: "no_heartbeat" };
    const auditSeq = await transaction(deps.db, (tx) =>
      audit(tx, options, { kind: "heartbeat", heartbeatDeadlineAt: beat.heartbeatDeadlineAt }),
    );
    return { type: "heartbeat", heartbeatDeadlineAt: beat.heartbeatDeadlineAt, auditSeq };
  }
  return transaction(deps.db, async (tx): Promise<SandboxAcknowledgmentResult> => {
    const result = await deps.waits.acknowledgeIn(
      tx,
      { operationId: options.operationId, step: options.step },
      signal,
      // The wait row says the sandbox answered, the timeline which person.
      { by: `sandbox:${options.principal.email}`, actor: who },
    );
    if (result.type === "not_found" || result.type === "invalid") return result;
    const details =
      signal.status === "succeeded"
        ? { kind: "acknowledgment", payload: signal.payload }
        : { kind: "failure", errorClass: signal.errorClass, message: signal.message };
    const auditSeq = await audit(tx, options, {
      ...details,
      waitId: result.wait.id,
      answer: result.type === "accepted" ? (result.replayed ? "replayed" : "accepted") : result.type,
    });
    switch (result.type) {
      case "accepted": {
        const status = await statusOf(tx, options.operationId);
        return {
          type: "accepted",
          replayed: result.replayed,
          waitId: result.wait.id,
          statusAfter: status ?? "processing",
          auditSeq,
        };
      }
      case "conflict":
        return { type: "conflict", waitId: result.wait.id, auditSeq };
      case "gone":
        return { type: "gone", reason: result.reason, waitId: result.wait.id, auditSeq };
    }
  });
}

async function statusOf(tx: Tx, operationId: string): Promise<OperationStatus | undefined> {
  const [row] = await tx.sql<{ status: OperationStatus }[]>`
    select status from operations where id = ${operationId}`;
  return row?.status;
}

async function audit(
  tx: Tx,
  options: SandboxAcknowledgmentOptions,
  details: Record<string, unknown>,
): Promise<number> {
  const [op] = await tx.sql<{ status: OperationStatus; type: string }[]>`
    select status, type from operations where id = ${options.operationId}`;
  const written = await appendAudit(tx, {
    actor: auditActorOf(options.principal),
    action: "sandbox_acknowledgment_sent",
    request: options.requestMeta,
    reason: "Sent from the sandbox page, as the outside system.",
    operationId: options.operationId,
    step: options.step,
    workflowType: op?.type ?? null,
    statusAfter: op?.status ?? null,
    details,
  });
  return written.seq;
}
