import { desc } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bulkActions } from "@/db/schema";

const DEFAULT_LIMIT = 20;

/** The latest bulk actions, newest first. */
export class BulkListPresenter {
  constructor(private readonly db: Db) {}

  async call(input: { limit?: number } = {}) {
    return this.db
      .select({
        id: bulkActions.id,
        action: bulkActions.action,
        step: bulkActions.step,
        status: bulkActions.status,
        targetCount: bulkActions.targetCount,
        reason: bulkActions.reason,
        createdByLabel: bulkActions.createdByLabel,
        createdAt: bulkActions.createdAt,
      })
      .from(bulkActions)
      .orderBy(desc(bulkActions.createdAt))
      .limit(input.limit ?? DEFAULT_LIMIT);
  }
}
