import type { Db } from "@/db/client";
import { type Queryable, transaction } from "@/db/transaction";
import { appendAudit, auditActorOf, latestAuditFor, type RequestMeta } from "@/server/audit/write";
import type { OperationState } from "@/server/domain/operation-state";
import type { Principal } from "@/server/domain/principal";
import { actorOf } from "@/server/domain/principal";
import type { OperationStatus } from "@/server/domain/statuses";
import type { RunQueue } from "@/server/engine/run-queue";
import { commitState } from "@/server/engine/store/commit";
import { loadOperations } from "@/server/engine/store/load";
import { fireTimer, openTimers } from "@/server/waits/timer";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { type ActionRequest, AUDIT_ACTION_OF, planAction, reasonProblem, stepsToUndo } from "./plans";
import { recordReviewDecision } from "./review";

/** How long a refusal is explained as "already done" by whoever did the same thing before. */
const ALREADY_DONE_WINDOW_MS = 15 * 60_000;

export interface ActionDeps {
  db: Db;
  /** Writes the run job in the action's transaction (the engine's normal path). */
  runs: Pick<RunQueue, "enqueue">;
  /** The workflows, to know which steps a cancel or compensate will undo (unset: assume all). */
  registry?: Pick<WorkflowRegistry, "get">;
  now?: () => Date;
}

export interface PerformActionOptions {
  operationId: string;
  request: ActionRequest;
  /** A sentence saying why; required, recorded on the timeline and in the audit history. */
  reason: string;
  /** Who acts (a signed-in operator or admin). */
  principal: Principal;
  requestMeta: RequestMeta;
  /** Set when the action is part of a bulk action (the per-operation audit record links to it). */
  bulkActionId?: string;
  /** Runs in the same transaction once the action is done (a bulk action records its outcome). */
  within?: (db: Queryable) => Promise<void>;
}

export type ActionResult =
  | {
      type: "done";
      operationId: string;
      statusBefore: OperationStatus;
      statusAfter: OperationStatus;
      auditSeq: number;
    }
  /** Someone did this already (two operators at once): nothing was changed. */
  | { type: "already_done"; message: string; by: { actorLabel: string; at: Date } | null }
  /** The current state does not allow it (e.g. replaying a completed step). */
  | { type: "refused"; message: string }
  | { type: "invalid_reason"; message: string }
  | { type: "not_found" };

/**
 * One operator action on one operation, in one transaction: lock the operation row, plan
 * the change from its current state through the domain's `transition`, commit the new
 * state and its timeline events (compare-and-set on the operation's token), write the run
 * job so the engine continues through its normal path, and append the audit record.
 * Two operators acting at once queue on the row lock: the second one finds the change
 * made and gets "already done" with who did it.
 */
export async function performAction(deps: ActionDeps, options: PerformActionOptions): Promise<ActionResult> {
  const reasonIssue = reasonProblem(options.reason);
  if (reasonIssue) return { type: "invalid_reason", message: reasonIssue };
  const reason = options.reason.trim();
  const now = deps.now?.() ?? new Date();
  const { operationId, request } = options;
  const actor = auditActorOf(options.principal);
  const action = AUDIT_ACTION_OF[request.action];

  return transaction(deps.db, async (tx) => {
    const op = (await loadOperations(tx.sql, [operationId], { lock: true })).get(operationId);
    if (!op) return { type: "not_found" } as const;
    const workflow = deps.registry?.get(op.type, op.version);
    const undoable = (step: string) => {
      const def = workflow?.steps.find((d) => d.name === step);
      return def ? "run" in def.compensation : true;
    };
    const timers = request.action === "run_now" ? await openTimers(tx.sql, operationId) : new Map();
    const planned = planAction(op.state, op.rows, request, reason, now, undoable, new Set(timers.keys()));
    if (!planned.ok) {
      const since = new Date(now.getTime() - ALREADY_DONE_WINDOW_MS);
      const by = await latestAuditFor(tx.db, { operationId, action, since });
      if (by) {
        const when = by.at.toISOString().slice(11, 19);
        return {
          type: "already_done",
          message: `Already done by ${by.actorLabel} at ${when} UTC: ${planned.message}`,
          by,
        } as const;
      }
      return { type: "refused", message: planned.message } as const;
    }
    const { plan } = planned;

    if (request.action === "approve" || request.action === "reject") {
      const decision = await recordReviewDecision(tx, {
        operationId,
        decision: request.action === "approve" ? "approved" : "rejected",
        reviewer: `user:${actor.label}`,
        note: reason,
      });
      if (decision === "no_review") {
        return {
          type: "refused",
          message: "There is no review to decide here; resume or cancel instead.",
        } as const;
      }
      if (decision === "already_decided") {
        return { type: "already_done", message: "This review was already decided.", by: null } as const;
      }
    }

    // The timeline names people by email (readable there); the audit record keeps the id too.
    const eventActor =
      options.principal.kind === "staff" ? `user:${options.principal.email}` : actorOf(options.principal);
    const token = await commitState(tx.sql, {
      operationId,
      token: op.token,
      owner: eventActor,
      leaseMs: 0,
      guard: { kind: "none" },
      before: op.state,
      after: plan.after,
      leases: {},
      events: plan.events,
      actor: eventActor,
      positions: op.rows.map((r) => r.position),
    });
    // The row is locked, so the token cannot have moved; if it did, roll everything back.
    if (!token) throw new Error(`Operation ${operationId} changed while locked for an operator action.`);
    if (request.action === "run_now") {
      const timer = timers.get(request.step);
      // The clock fired it a moment ago (the worker does not take the operation's lock to fire).
      if (
        !timer ||
        (await fireTimer(tx, operationId, timer.waitId, eventActor, { by: eventActor, reason })) === "gone"
      )
        throw new TimerFiredMeanwhile();
    }
    if (plan.run) {
      await deps.runs.enqueue(tx, [{ data: { operationId, reason: plan.run } }]);
    }
    const audit = await appendAudit(
      tx,
      {
        actor,
        action,
        request: options.requestMeta,
        reason,
        operationId,
        step: plan.step,
        workflowType: op.type,
        bulkActionId: options.bulkActionId ?? null,
        statusBefore: op.state.status,
        statusAfter: plan.after.status,
        details: auditDetails(request, plan.after, undoable),
      },
      // Stamped now, after any wait for the row lock: times follow the chain's order.
      deps.now?.() ?? new Date(),
    );
    await options.within?.(tx.db);
    return {
      type: "done",
      operationId,
      statusBefore: op.state.status,
      statusAfter: plan.after.status,
      auditSeq: audit.seq,
    } as const;
  }).catch((error: unknown): ActionResult => {
    if (!(error instanceof TimerFiredMeanwhile)) throw error;
    return {
      type: "already_done",
      message: "Its scheduled time came meanwhile: the step is running.",
      by: null,
    };
  });
}

/** Rolls the run-now back: its timer fired by the clock between the read and the write. */
class TimerFiredMeanwhile extends Error {}

/**
 * What the audit record adds to before → after. A cancel or compensate that leaves undos to run
 * is `processing` in the five words; the record says it is compensating and what it will undo, so
 * "after" is never read as the operation carrying on.
 */
function auditDetails(
  request: ActionRequest,
  after: OperationState,
  undoable: (step: string) => boolean,
): Record<string, unknown> | null {
  if (request.action === "skip" && request.output !== undefined) return { manualOutput: request.output };
  if ((request.action === "cancel" || request.action === "compensate") && after.status !== "failed") {
    return { phase: "compensating", undo: stepsToUndo(after, undoable) };
  }
  return null;
}
