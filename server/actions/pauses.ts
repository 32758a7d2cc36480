import { asc, sql as dsql, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workflowPauses } from "@/db/schema";
import { transaction } from "@/db/transaction";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { Principal } from "@/server/auth/principal";
import type { RunDispatcher } from "@/server/engine/dispatch";
import type { IntakeGate } from "@/server/operations/start-operation";
import type { WorkflowRegistry } from "@/server/workflows/registry";
import type { PauseIntakeMode } from "./kinds";
import { reasonProblem } from "./plans";

/**
 * Pausing a workflow type when its downstream is failing. While paused, workers start no
 * new step of that type (server/engine/pauses.ts reads `workflow_pauses`); intake either
 * keeps accepting (the work waits, visibly) or answers 503 with Retry-After, as the
 * operator chose. Resuming lets every in-flight operation of the type continue.
 */

/** What a client refused by a paused type is told to wait before trying again. */
export const PAUSED_RETRY_AFTER_SECONDS = 60;

export type PauseResult =
  | { type: "paused"; intake: PauseIntakeMode }
  | { type: "already_done"; message: string }
  | { type: "unknown_workflow" }
  | { type: "invalid_reason"; message: string };

export interface PauseOptions {
  db: Db;
  registry: WorkflowRegistry;
  workflowType: string;
  intake: PauseIntakeMode;
  reason: string;
  principal: Principal;
  request: RequestMeta;
}

/** Pauses a type, or changes how a paused type's intake behaves. */
export async function pauseWorkflow(options: PauseOptions): Promise<PauseResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "invalid_reason", message: problem };
  if (!options.registry.latest(options.workflowType)) return { type: "unknown_workflow" };
  const actor = auditActorOf(options.principal);
  const reason = options.reason.trim();
  return transaction(options.db, async (tx) => {
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
export async function resumeWorkflow(options: {
  db: Db;
  dispatcher: Pick<RunDispatcher, "enqueue">;
  workflowType: string;
  reason: string;
  principal: Principal;
  request: RequestMeta;
}): Promise<ResumeWorkflowResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "invalid_reason", message: problem };
  const actor = auditActorOf(options.principal);
  return transaction(options.db, async (tx) => {
    const { sql, db } = tx;
    const removed = await db
      .delete(workflowPauses)
      .where(eq(workflowPauses.workflowType, options.workflowType))
      .returning({ intake: workflowPauses.intake });
    if (removed.length === 0) {
      return { type: "already_done", message: `${options.workflowType} is not paused.` } as const;
    }
    const ops = await sql<{ id: string }[]>`
      select id from operations where type = ${options.workflowType} and status in ('accepted', 'processing')`;
    // The same singleton key as the workers' own wake-up (server/engine/pauses.ts): one job each.
    await options.dispatcher.enqueue(
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

export interface PauseRow {
  workflowType: string;
  intake: PauseIntakeMode;
  reason: string;
  pausedBy: string;
  pausedAt: Date;
}

export class PausePresenter {
  constructor(private readonly db: Db) {}

  list(): Promise<PauseRow[]> {
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

/**
 * Intake's view of pauses, read at most once per `ttlMs` per process (intake runs at
 * thousands per second; a pause may take that long to reach every web process).
 */
export function pauseGate(db: Db, ttlMs = 1_000): IntakeGate {
  let rejecting = new Set<string>();
  let readAt = 0;
  let reading: Promise<void> | null = null;
  const refresh = async () => {
    const rows = await db
      .select({ type: workflowPauses.workflowType })
      .from(workflowPauses)
      .where(eq(workflowPauses.intake, "reject"));
    rejecting = new Set(rows.map((r) => r.type));
    readAt = Date.now();
  };
  return async (workflowType) => {
    if (Date.now() - readAt > ttlMs) {
      reading ??= refresh().finally(() => {
        reading = null;
      });
      await reading;
    }
    return rejecting.has(workflowType) ? { retryAfterSeconds: PAUSED_RETRY_AFTER_SECONDS } : null;
  };
}
