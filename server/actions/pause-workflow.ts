import { sql as dsql, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workflowPauses } from "@/db/schema";
import { sqlList } from "@/db/sql-list";
import { transaction } from "@/db/transaction";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { PauseIntakeMode } from "@/server/domain/pauses";
import type { Principal } from "@/server/domain/principal";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";
import type { RunQueue } from "@/server/engine/run-queue";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { reasonProblem } from "./plans";

/**
 * Pausing a workflow type when its downstream is failing. While paused, workers start no
 * new step of that type (server/engine/pause-watcher.ts reads `workflow_pauses`); intake either
 * keeps accepting (the work waits, visibly) or answers 503 with Retry-After, as the
 * operator chose (intake's view: server/operations/pause-gate.ts). Resuming lets every
 * in-flight operation of the type continue.
 */

export type PauseResult =
  | { type: "paused"; intake: PauseIntakeMode }
  | { type: "already_done"; message: string }
  | { type: "unknown_workflow" }
  | { type: "invalid_reason"; message: string };

export interface PauseOptions {
  workflowType: string;
  intake: PauseIntakeMode;
  reason: string;
  principal: Principal;
  request: RequestMeta;
}

/** Pauses a type, or changes how a paused type's intake behaves. */
export async function pauseWorkflow(
  deps: { db: Db; registry: WorkflowRegistry },
  options: PauseOptions,
): Promise<PauseResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "invalid_reason", message: problem };
  if (!deps.registry.latest(options.workflowType)) return { type: "unknown_workflow" };
  const actor = auditActorOf(options.principal);
  const reason = options.reason.trim();
  return transaction(deps.db, async (tx) => {
    const { db } = tx;
    const [before] = await db
      .select({ intake: workflowPauses.intake })
      .from(workflowPauses)
      .where(eq(workflowPauses.workflowType, options.workflowType))
      .for("update");
    if (before?.intake === options.intake) {
      return { type: "already_done", message: `${options.workflowType} is already paused.` } as const;
    }
    await db
      .insert(workflowPauses)
      .values({ workflowType: options.workflowType, intake: options.intake, reason, pausedBy: actor.label })
      .onConflictDoUpdate({
        target: workflowPauses.workflowType,
        set: { intake: options.intake, reason, pausedBy: actor.label, pausedAt: dsql`now()` },
      });
    await appendAudit(tx, {
      actor,
      action: "workflow_paused",
      request: options.request,
      reason,
      workflowType: options.workflowType,
      details: { intake: options.intake, previousIntake: before?.intake ?? null },
    });
    return { type: "paused", intake: options.intake } as const;
  });
}

export type ResumeWorkflowResult =
  | { type: "resumed"; operations: number }
  | { type: "already_done"; message: string }
  | { type: "invalid_reason"; message: string };

/** Un-pauses a type and writes a run job for each of its in-flight operations, in one transaction. */
export async function resumeWorkflow(
  deps: {
    db: Db;
    /** Writes the run jobs in the resume's transaction. */
    runs: Pick<RunQueue, "enqueue">;
  },
  options: {
    workflowType: string;
    reason: string;
    principal: Principal;
    request: RequestMeta;
  },
): Promise<ResumeWorkflowResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "invalid_reason", message: problem };
  const actor = auditActorOf(options.principal);
  return transaction(deps.db, async (tx) => {
    const { sql, db } = tx;
    const removed = await db
      .delete(workflowPauses)
      .where(eq(workflowPauses.workflowType, options.workflowType))
      .returning({ intake: workflowPauses.intake });
    if (removed.length === 0) {
      return { type: "already_done", message: `${options.workflowType} is not paused.` } as const;
    }
    const ops = await sql<{ id: string }[]>`
      select id from operations where type = ${options.workflowType} and status in ${sql.unsafe(sqlList(RUNNABLE_STATUSES))}`;
    // The same singleton key as the workers' own wake-up (server/engine/pause-watcher.ts): one job each.
    await deps.runs.enqueue(
      tx,
      ops.map((o) => ({
        data: { operationId: o.id, reason: "resume" as const },
        singletonKey: `unpause:${o.id}`,
        singletonSeconds: 10,
      })),
    );
    await appendAudit(tx, {
      actor,
      action: "workflow_resumed",
      request: options.request,
      reason: options.reason.trim(),
      workflowType: options.workflowType,
      details: { intake: removed[0]!.intake, operationsContinued: ops.length },
    });
    return { type: "resumed", operations: ops.length } as const;
  });
}
