import type { Db } from "@/db/client";
import { type ResumeResult, resumeOperation } from "@/server/engine/resume";
import type { RunQueue } from "@/server/engine/run-queue";

export interface ReviewDecisionOptions {
  db: Db;
  runs: Pick<RunQueue, "enqueue">;
  /** The verification (operation) whose review is decided. */
  operationId: string;
  /** Who decided, e.g. `user:ada@example.com`; recorded on the review and the timeline. */
  reviewer: `user:${string}`;
  /** Why, in a sentence: kept with the decision and shown to staff. */
  note: string;
}

export type ReviewDecisionResult = ResumeResult | { type: "no_pending_review"; operationId: string };

/** A compliance officer approves a high-risk verification: the account gets activated. */
export function approveReview(options: ReviewDecisionOptions): Promise<ReviewDecisionResult> {
  return decide(options, "approved");
}

/** A compliance officer rejects it: the verification fails and the documents are deleted. */
export function rejectReview(options: ReviewDecisionOptions): Promise<ReviewDecisionResult> {
  return decide(options, "rejected");
}

/**
 * Records the decision on the pending review and resumes the blocked verification, in one
 * transaction; the manual-review step then runs again and reads the decision.
 */
async function decide(
  options: ReviewDecisionOptions,
  status: "approved" | "rejected",
): Promise<ReviewDecisionResult> {
  const { operationId, reviewer, note } = options;
  let pending = true;
  const result = await resumeOperation({
    db: options.db,
    runs: options.runs,
    operationId,
    actor: reviewer,
    reason: `Review ${status} by ${reviewer}: ${note}`,
    before: async (tx) => {
      const decided = await tx.sql`
        update sim_reviews set status = ${status}::sim_review_status, reviewer = ${reviewer}, note = ${note},
          decided_at = now()
        where operation_id = ${operationId} and status = 'pending'
        returning operation_id`;
      pending = decided.length > 0;
      if (!pending) throw new NoPendingReview();
    },
  }).catch((error: unknown) => {
    if (error instanceof NoPendingReview) return null;
    throw error;
  });
  if (!pending || !result) return { type: "no_pending_review", operationId };
  return result;
}

class NoPendingReview extends Error {}
