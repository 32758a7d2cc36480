import { randomUUID } from "node:crypto";
import { and, asc, count, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bulkActions, bulkActionTargets, staffUsers } from "@/db/schema";
import { type ActionDeps, type ActionResult, performAction } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import type { RequestMeta } from "@/server/audit/write";
import { hasRole } from "@/server/auth/roles";
import type { BulkActionKind, BulkOutcome } from "@/server/domain/bulk";
import type { Principal } from "@/server/domain/principal";
import type { StaffRole } from "@/server/domain/roles";
import { logIncident } from "@/server/logger";

/** A runner holds a bulk action this long without renewing before another process may take over. */
const RUNNER_LEASE_MS = 30_000;

export type AdvanceResult = "finished" | "paused" | "stopped" | "busy" | "idle";

export interface AdvanceBulkOptions {
  bulkActionId: string;
  /** Who holds the runner lease; a worker passes its id. */
  runnerId?: string;
  /** Asked between operations; when it says yes the runner lets go of its lease and returns "stopped". */
  shouldStop?: () => boolean;
}

/**
 * Works through a running bulk action's pending targets, canary first, while it holds the
 * runner lease (so one process runs it). Returns when the action is finished, paused (by a
 * person or a failed canary), aborted, another process runs it, or `shouldStop` says so.
 * Each operation goes through performAction, so the same rules, locks and engine path as a
 * single action apply, and its outcome commits with the action and its audit record.
 */
export async function advanceBulk(deps: ActionDeps, options: AdvanceBulkOptions): Promise<AdvanceResult> {
  const { db } = deps;
  const runnerId = options.runnerId ?? randomUUID();
  const claimed = await claimRunner(db, options.bulkActionId, runnerId);
  if (!claimed) {
    const [row] = await db
      .select({ status: bulkActions.status })
      .from(bulkActions)
      .where(eq(bulkActions.id, options.bulkActionId));
    return row?.status === "running" ? "busy" : "idle";
  }
  let bulk = claimed;
  const principal = await actingPrincipal(db, bulk.createdById);
  if (!principal) {
    await stopBulk(
      db,
      bulk.id,
      "paused",
      "The person who started it can no longer act (deactivated or support).",
    );
    return "paused";
  }
  const request = requestFor(bulk);
  const requestMeta: RequestMeta = { requestId: `bulk:${bulk.id}`, clientAddress: null };
  for (;;) {
    if (options.shouldStop?.()) {
      await releaseRunner(db, bulk.id, runnerId);
      return "stopped";
    }
    const inCanary = !bulk.canaryPassed;
    const [target] = await db
      .select({ position: bulkActionTargets.position, operationId: bulkActionTargets.operationId })
      .from(bulkActionTargets)
      .where(
        and(
          eq(bulkActionTargets.bulkActionId, bulk.id),
          eq(bulkActionTargets.outcome, "pending"),
          inCanary ? lt(bulkActionTargets.position, bulk.canarySize) : undefined,
        ),
      )
      .orderBy(asc(bulkActionTargets.position))
      .limit(1);

    if (!target) {
      if (inCanary) {
        const failed = await canaryFailures(db, bulk.id, bulk.canarySize);
        if (failed > 0) {
          await stopBulk(
            db,
            bulk.id,
            "paused",
            `Canary: ${failed} of ${bulk.canarySize} did not work. Check them; resume to go on with the rest, or abort.`,
          );
          return "paused";
        }
        await db
          .update(bulkActions)
          .set({ canaryPassed: true, updatedAt: new Date() })
          .where(eq(bulkActions.id, bulk.id));
        bulk = { ...bulk, canaryPassed: true };
        continue;
      }
      await stopBulk(db, bulk.id, "completed", null);
      return "finished";
    }

    const record = (outcome: BulkOutcome, message: string | null) =>
      ({ outcome, message, finishedAt: new Date() }) as const;
    const where = and(
      eq(bulkActionTargets.bulkActionId, bulk.id),
      eq(bulkActionTargets.position, target.position),
    );
    // A runner whose lease ran out while it acted and the one that took over can both pick
    // this target; the first outcome written stands (the other one then reads "already done"
    // of the first one's own change and must not overwrite its "succeeded").
    const stillPending = and(where, eq(bulkActionTargets.outcome, "pending"));
    let result: ActionResult;
    try {
      result = await performAction(deps, {
        operationId: target.operationId,
        request,
        reason: bulk.reason,
        principal,
        requestMeta,
        bulkActionId: bulk.id,
        // The outcome commits with the action and its audit record: exactly once.
        within: async (tx) => {
          await tx.update(bulkActionTargets).set(record("succeeded", null)).where(where);
        },
      });
    } catch (error) {
      // The page shows this text to staff: an incident to look up, never the error's own (SQL,
      // parameters, personal data); the details are in the log under that id.
      const incidentId = logIncident(
        error,
        { bulkActionId: bulk.id, operationId: target.operationId },
        "bulk action target failed",
      );
      const message = `An unexpected error stopped this action. Incident ${incidentId}: the details are in the logs.`;
      await db.update(bulkActionTargets).set(record("failed", message)).where(stillPending);
      continue;
    }
    const { outcome, message } = outcomeOf(result);
    // "done" is this runner's own change (its outcome committed with it): add the message.
    await db
      .update(bulkActionTargets)
      .set(record(outcome, message))
      .where(result.type === "done" ? where : stillPending);

    // Between operations: still ours, and still running?
    const renewed = await claimRunner(db, bulk.id, runnerId);
    if (!renewed) return "stopped";
    bulk = renewed;
  }
}

/** How one performAction result reads as a target's outcome. */
function outcomeOf(result: ActionResult): { outcome: BulkOutcome; message: string | null } {
  switch (result.type) {
    case "done":
      return { outcome: "succeeded", message: `${result.statusBefore} → ${result.statusAfter}` };
    case "already_done":
      return { outcome: "already_done", message: result.message };
    case "refused":
    case "invalid_reason":
      return { outcome: "refused", message: result.message };
    case "not_found":
      return { outcome: "refused", message: "The operation no longer exists." };
  }
}

function requestFor(bulk: { action: BulkActionKind; step: string | null; output: unknown }): ActionRequest {
  switch (bulk.action) {
    case "replay":
      return { action: "replay", step: bulk.step! };
    case "skip":
      return { action: "skip", step: bulk.step!, output: bulk.output ?? undefined };
    default:
      return { action: bulk.action };
  }
}

async function claimRunner(db: Db, id: string, runnerId: string) {
  const [row] = await db
    .update(bulkActions)
    .set({ runnerId, runnerLeaseUntil: sql`now() + ${RUNNER_LEASE_MS} * interval '1 millisecond'` })
    .where(
      and(
        eq(bulkActions.id, id),
        eq(bulkActions.status, "running"),
        or(
          isNull(bulkActions.runnerLeaseUntil),
          lt(bulkActions.runnerLeaseUntil, sql`now()`),
          eq(bulkActions.runnerId, runnerId),
        ),
      ),
    )
    .returning();
  return row ?? null;
}

/** Lets the next runner (a retry of the job on another worker) claim it at once. */
async function releaseRunner(db: Db, id: string, runnerId: string) {
  await db
    .update(bulkActions)
    .set({ runnerLeaseUntil: null })
    .where(and(eq(bulkActions.id, id), eq(bulkActions.runnerId, runnerId)));
}

async function stopBulk(db: Db, id: string, status: "paused" | "completed", note: string | null) {
  await db
    .update(bulkActions)
    .set({
      status,
      note,
      runnerLeaseUntil: null,
      updatedAt: new Date(),
      ...(status === "completed" ? { finishedAt: new Date() } : {}),
    })
    .where(and(eq(bulkActions.id, id), eq(bulkActions.status, "running")));
}

async function canaryFailures(db: Db, id: string, canarySize: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(bulkActionTargets)
    .where(
      and(
        eq(bulkActionTargets.bulkActionId, id),
        lt(bulkActionTargets.position, canarySize),
        inArray(bulkActionTargets.outcome, ["refused", "failed"]),
      ),
    );
  return row?.n ?? 0;
}

/** The person a bulk action acts as, re-read each time: a deactivated or demoted person stops it. */
async function actingPrincipal(db: Db, userId: string): Promise<Principal | null> {
  const [user] = await db
    .select({ email: staffUsers.email, role: staffUsers.role, deactivatedAt: staffUsers.deactivatedAt })
    .from(staffUsers)
    .where(eq(staffUsers.id, userId));
  if (!user || user.deactivatedAt) return null;
  const principal: Principal = { kind: "staff", userId, email: user.email, role: user.role as StaffRole };
  return hasRole(principal, "operator") ? principal : null;
}
