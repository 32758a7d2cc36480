import { eq } from "drizzle-orm";
import { bulkActions } from "@/db/schema";
import { transaction } from "@/db/transaction";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { Principal } from "@/server/domain/principal";
import { type BulkChangeResult, lockBulk, type StoredBulkFilter } from "./bulk-action";
import type { BulkDeps } from "./queue";

export interface ConfirmBulkOptions {
  bulkActionId: string;
  /** The number of operations it touches, typed by the person. */
  count: number;
  principal: Principal;
  request: RequestMeta;
}

/**
 * Starts a dry-run bulk action once the person types the number of operations it touches.
 * Its job commits in the same transaction: a worker runs it, with or without a browser open.
 */
export async function confirmBulk(deps: BulkDeps, options: ConfirmBulkOptions): Promise<BulkChangeResult> {
  return transaction(deps.db, async (tx) => {
    const bulk = await lockBulk(tx.db, options.bulkActionId);
    if (!bulk) return { type: "not_found" } as const;
    if (bulk.status !== "dry_run")
      return { type: "already_done", message: `This bulk action is ${bulk.status}.` } as const;
    if (options.principal.kind !== "staff" || options.principal.userId !== bulk.createdById) {
      return { type: "refused", message: "Only the person who made the dry run can confirm it." } as const;
    }
    if (options.count !== bulk.targetCount) {
      return {
        type: "refused",
        message: `Type the number of operations this touches (${bulk.targetCount}) to confirm.`,
      } as const;
    }
    await tx.db
      .update(bulkActions)
      .set({ status: "running", confirmedAt: new Date(), updatedAt: new Date() })
      .where(eq(bulkActions.id, bulk.id));
    const filter = bulk.filter as StoredBulkFilter;
    await appendAudit(tx, {
      actor: auditActorOf(options.principal),
      action: "bulk_action_started",
      request: options.request,
      reason: bulk.reason,
      workflowType: filter.workflowType,
      step: bulk.step,
      bulkActionId: bulk.id,
      details: { action: bulk.action, filter, targets: bulk.targetCount, canarySize: bulk.canarySize },
    });
    await deps.queue.enqueue(tx, bulk.id);
    return { type: "done", status: "running" } as const;
  });
}
