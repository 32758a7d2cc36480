import { asc } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workflowPauses } from "@/db/schema";
import type { PauseIntakeMode } from "@/server/domain/pauses";

export interface PauseRow {
  workflowType: string;
  intake: PauseIntakeMode;
  reason: string;
  pausedBy: string;
  pausedAt: Date;
}

/** The paused workflow types, by type (the Workflows page's pause controls). */
export class PausePresenter {
  constructor(private readonly db: Db) {}

  call(): Promise<PauseRow[]> {
    return this.db
      .select({
        workflowType: workflowPauses.workflowType,
        intake: workflowPauses.intake,
        reason: workflowPauses.reason,
        pausedBy: workflowPauses.pausedBy,
        pausedAt: workflowPauses.pausedAt,
      })
      .from(workflowPauses)
      .orderBy(asc(workflowPauses.workflowType));
  }
}
