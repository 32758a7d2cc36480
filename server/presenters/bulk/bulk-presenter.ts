import { asc, count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bulkActions, bulkActionTargets, operations } from "@/db/schema";
import { BULK_CAP, type StoredBulkFilter } from "@/server/bulk/bulk-action";
import type { BulkActionKind, BulkOutcome, BulkStatus } from "@/server/domain/bulk";
import type { OperationStatus } from "@/server/domain/statuses";

export interface BulkView {
  id: string;
  action: BulkActionKind;
  step: string | null;
  filter: StoredBulkFilter;
  reason: string;
  status: BulkStatus;
  note: string | null;
  targetCount: number;
  canarySize: number;
  canaryPassed: boolean;
  createdByLabel: string;
  createdAt: Date;
  confirmedAt: Date | null;
  finishedAt: Date | null;
  counts: Record<BulkOutcome, number>;
  targets: {
    position: number;
    operationId: string;
    reference: string | null;
    status: OperationStatus | null;
    currentStep: string | null;
    outcome: BulkOutcome;
    message: string | null;
  }[];
}

/**
 * A bulk action with its progress and per-operation outcomes: a pure read (the worker runs
 * the bulk action; the page polls this while it runs).
 */
export class BulkPresenter {
  constructor(private readonly db: Db) {}

  async call(input: { bulkActionId: string; limit?: number }): Promise<BulkView | null> {
    const id = input.bulkActionId;
    const [bulk] = await this.db.select().from(bulkActions).where(eq(bulkActions.id, id));
    if (!bulk) return null;
    const grouped = await this.db
      .select({ outcome: bulkActionTargets.outcome, n: count() })
      .from(bulkActionTargets)
      .where(eq(bulkActionTargets.bulkActionId, id))
      .groupBy(bulkActionTargets.outcome);
    const counts: Record<BulkOutcome, number> = {
      pending: 0,
      succeeded: 0,
      already_done: 0,
      refused: 0,
      failed: 0,
    };
    for (const g of grouped) counts[g.outcome] = g.n;
    const targets = await this.db
      .select({
        position: bulkActionTargets.position,
        operationId: bulkActionTargets.operationId,
        reference: operations.reference,
        status: operations.status,
        currentStep: operations.currentStep,
        outcome: bulkActionTargets.outcome,
        message: bulkActionTargets.message,
      })
      .from(bulkActionTargets)
      .leftJoin(operations, eq(operations.id, bulkActionTargets.operationId))
      .where(eq(bulkActionTargets.bulkActionId, id))
      .orderBy(asc(bulkActionTargets.position))
      .limit(input.limit ?? BULK_CAP);
    return {
      id: bulk.id,
      action: bulk.action,
      step: bulk.step,
      filter: bulk.filter as StoredBulkFilter,
      reason: bulk.reason,
      status: bulk.status,
      note: bulk.note,
      targetCount: bulk.targetCount,
      canarySize: bulk.canarySize,
      canaryPassed: bulk.canaryPassed,
      createdByLabel: bulk.createdByLabel,
      createdAt: bulk.createdAt,
      confirmedAt: bulk.confirmedAt,
      finishedAt: bulk.finishedAt,
      counts,
      targets,
    };
  }
}
