import { eq } from "drizzle-orm";
import { bulkActions } from "@/db/schema";
import { transaction } from "@/db/transaction";
import { reasonProblem } from "@/server/actions/plans";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { AuditAction } from "@/server/domain/audit-actions";
import type { BulkStatus } from "@/server/domain/bulk";
import type { Principal } from "@/server/domain/principal";
import { type BulkChangeResult, lockBulk, type StoredBulkFilter } from "./bulk-action";
import type { BulkDeps } from "./queue";

export type BulkChange = "pause" | "resume" | "abort";

export interface ChangeBulkOptions {
  bulkActionId: string;
  change: BulkChange;
  /** Why; required, and recorded in the audit history. */
  reason: string;
  principal: Principal;
  request: RequestMeta;
}

const RULES: Record<BulkChange, { from: BulkStatus[]; to: BulkStatus; audit: AuditAction }> = {
  pause: { from: ["running"], to: "paused", audit: "bulk_action_paused" },
  resume: { from: ["paused"], to: "running", audit: "bulk_action_resumed" },
  abort: { from: ["dry_run", "running", "paused"], to: "aborted", audit: "bulk_action_aborted" },
};

/**
 * Pause, resume or abort a bulk action (resuming after a failed canary goes on with the
 * rest). A running runner sees the change between two operations; a resume writes the job
 * that goes on, in the same transaction.
 */
export async function changeBulk(deps: BulkDeps, options: ChangeBulkOptions): Promise<BulkChangeResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "refused", message: problem };
  return transaction(deps.db, async (tx) => {
    const bulk = await lockBulk(tx.db, options.bulkActionId);
    if (!bulk) return { type: "not_found" } as const;
    const rule = RULES[options.change];
    if (!rule.from.includes(bulk.status)) {
      return { type: "already_done", message: `This bulk action is ${bulk.status}.` } as const;
    }
    await tx.db
      .update(bulkActions)
      .set({
        status: rule.to,
        updatedAt: new Date(),
        // Resuming after a failed canary is the person's decision to go on with the rest.
        ...(options.change === "resume" ? { canaryPassed: true, note: null } : {}),
        ...(rule.to === "aborted" ? { finishedAt: new Date(), runnerLeaseUntil: null } : {}),
      })
      .where(eq(bulkActions.id, bulk.id));
    // A discarded dry run changed nothing: no audit record.
    if (bulk.status !== "dry_run") {
      await appendAudit(tx, {
        actor: auditActorOf(options.principal),
        action: rule.audit,
        request: options.request,
        reason: options.reason.trim(),
        workflowType: (bulk.filter as Partial<StoredBulkFilter>).workflowType ?? null,
        bulkActionId: bulk.id,
      });
    }
    if (rule.to === "running") await deps.queue.enqueue(tx, bulk.id);
    return { type: "done", status: rule.to } as const;
  });
}
