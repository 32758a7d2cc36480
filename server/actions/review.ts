import type { Tx } from "@/db/transaction";

export type ReviewDecision = "approved" | "rejected";
export type RecordDecisionResult = "recorded" | "already_decided" | "no_review";

/**
 * Records a person's decision on the operation's pending manual review, inside the action's
 * transaction, so the decision, the resume and the audit record commit together. The review
 * step reads the decision when it runs again: approved continues, rejected fails the operation.
 */
export async function recordReviewDecision(
  tx: Tx,
  options: { operationId: string; decision: ReviewDecision; reviewer: string; note: string },
): Promise<RecordDecisionResult> {
  const decided = await tx.sql`
    update sim_reviews set status = ${options.decision}::sim_review_status, reviewer = ${options.reviewer},
      note = ${options.note}, decided_at = now()
    where operation_id = ${options.operationId} and status = 'pending'
    returning operation_id`;
  if (decided.length > 0) return "recorded";
  const [existing] = await tx.sql`select status from sim_reviews where operation_id = ${options.operationId}`;
  return existing ? "already_decided" : "no_review";
}
