import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { bulkActions, bulkActionTargets, operations, staffUsers } from "@/db/schema";
import { appendAudit, auditActorOf, type RequestMeta } from "@/server/audit/write";
import type { Principal, StaffRole } from "@/server/auth/principal";
import { hasRole } from "@/server/auth/roles";
import type { OperationStatus } from "@/server/domain/statuses";
import type { BulkActionKind, BulkOutcome, BulkStatus } from "./kinds";
import { type ActionDeps, type ActionResult, performAction } from "./perform";
import { type ActionRequest, reasonProblem } from "./plans";
import { inTransaction } from "./transaction";

/**
 * Bulk actions on a search result ("replay every order.fulfill blocked on charge_payment
 * since 10:00"): a dry run freezes the matching operations as the target set (operations
 * that match later are never swept in); the person confirms by typing the count; a few
 * canary operations go first and the rest only if they all worked; it can be paused,
 * resumed and aborted; every operation gets its own outcome and its own audit record,
 * linked to the bulk action's one record. Each operation goes through performAction, so
 * the same rules, locks and engine path as a single action apply.
 */

/** Most operations one bulk action may touch. */
export const BULK_CAP = 500;
export const DEFAULT_CANARY_SIZE = 3;
/** A runner holds a bulk action this long without renewing before another process may take over. */
const RUNNER_LEASE_MS = 30_000;

export interface BulkFilter {
  workflowType: string;
  statuses?: OperationStatus[];
  /** The step the operation is at (its current step). */
  step?: string;
  /** In this state since: last changed at or after this time. */
  since?: Date;
  until?: Date;
}

export interface BulkRequest {
  action: BulkActionKind;
  /** For replay and skip. */
  step?: string;
  /** For skip: the output to record for the step on every operation. */
  output?: unknown;
}

export type DryRunResult =
  | { type: "frozen"; bulkActionId: string; count: number; canarySize: number }
  | { type: "empty" }
  | { type: "too_many"; cap: number }
  | { type: "invalid"; message: string };

/** Freezes the operations matching `filter` as the targets of a bulk action, without touching them. */
export async function dryRunBulk(options: {
  db: Db;
  principal: Principal;
  filter: BulkFilter;
  request: BulkRequest;
  reason: string;
  cap?: number;
  canarySize?: number;
}): Promise<DryRunResult> {
  const problem = reasonProblem(options.reason) ?? requestProblem(options.request);
  if (problem) return { type: "invalid", message: problem };
  if (options.principal.kind !== "staff") return { type: "invalid", message: "Only staff run bulk actions." };
  const cap = options.cap ?? BULK_CAP;
  const { filter } = options;
  const ids = await options.db
    .select({ id: operations.id })
    .from(operations)
    .where(
      and(
        eq(operations.type, filter.workflowType),
        filter.statuses?.length ? inArray(operations.status, filter.statuses) : undefined,
        filter.step ? eq(operations.currentStep, filter.step) : undefined,
        filter.since ? gte(operations.updatedAt, filter.since) : undefined,
        filter.until ? lt(operations.updatedAt, filter.until) : undefined,
      ),
    )
    .orderBy(asc(operations.id))
    .limit(cap + 1);
  if (ids.length === 0) return { type: "empty" };
  if (ids.length > cap) return { type: "too_many", cap };
  const canarySize = Math.min(options.canarySize ?? DEFAULT_CANARY_SIZE, ids.length);
  const bulkActionId = uuidv7();
  await options.db.transaction(async (tx) => {
    await tx.insert(bulkActions).values({
      id: bulkActionId,
      action: options.request.action,
      step: options.request.step ?? null,
      output: options.request.output === undefined ? null : (options.request.output as object),
      filter: serialiseFilter(filter),
      reason: options.reason.trim(),
      targetCount: ids.length,
      canarySize,
      createdById: (options.principal as { userId: string }).userId,
      createdByLabel: (options.principal as { email: string }).email,
    });
    await tx
      .insert(bulkActionTargets)
      .values(ids.map((r, position) => ({ bulkActionId, position, operationId: r.id })));
  });
  return { type: "frozen", bulkActionId, count: ids.length, canarySize };
}

function requestProblem(request: BulkRequest): string | null {
  if ((request.action === "replay" || request.action === "skip") && !request.step) {
    return `Name the step to ${request.action}.`;
  }
  return null;
}

function serialiseFilter(filter: BulkFilter) {
  return {
    workflowType: filter.workflowType,
    statuses: filter.statuses ?? [],
    step: filter.step ?? null,
    since: filter.since?.toISOString() ?? null,
    until: filter.until?.toISOString() ?? null,
  };
}

export type BulkChangeResult =
  | { type: "done"; status: BulkStatus }
  | { type: "not_found" }
  | { type: "already_done"; message: string }
  | { type: "refused"; message: string };

/** Starts a dry-run bulk action: the person types the number of operations it will touch. */
export async function confirmBulk(options: {
  db: Db;
  bulkActionId: string;
  count: number;
  principal: Principal;
  request: RequestMeta;
}): Promise<BulkChangeResult> {
  return inTransaction(options.db, async ({ db }) => {
    const bulk = await lockBulk(db, options.bulkActionId);
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
    await db
      .update(bulkActions)
      .set({ status: "running", confirmedAt: new Date(), updatedAt: new Date() })
      .where(eq(bulkActions.id, bulk.id));
    const filter = bulk.filter as ReturnType<typeof serialiseFilter>;
    await appendAudit(db, {
      actor: auditActorOf(options.principal),
      action: "bulk_action_started",
      request: options.request,
      reason: bulk.reason,
      workflowType: filter.workflowType,
      step: bulk.step,
      bulkActionId: bulk.id,
      details: { action: bulk.action, filter, targets: bulk.targetCount, canarySize: bulk.canarySize },
    });
    return { type: "done", status: "running" } as const;
  });
}

/** Pause, resume or abort a bulk action (resuming after a failed canary goes on with the rest). */
export async function changeBulk(options: {
  db: Db;
  bulkActionId: string;
  change: "pause" | "resume" | "abort";
  reason: string;
  principal: Principal;
  request: RequestMeta;
}): Promise<BulkChangeResult> {
  const problem = reasonProblem(options.reason);
  if (problem) return { type: "refused", message: problem };
  return inTransaction(options.db, async ({ db }) => {
    const bulk = await lockBulk(db, options.bulkActionId);
    if (!bulk) return { type: "not_found" } as const;
    const next: Record<typeof options.change, { from: BulkStatus[]; to: BulkStatus }> = {
      pause: { from: ["running"], to: "paused" },
      resume: { from: ["paused"], to: "running" },
      abort: { from: ["dry_run", "running", "paused"], to: "aborted" },
    };
    const rule = next[options.change];
    if (!rule.from.includes(bulk.status)) {
      return { type: "already_done", message: `This bulk action is ${bulk.status}.` } as const;
    }
    await db
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
      await appendAudit(db, {
        actor: auditActorOf(options.principal),
        action:
          options.change === "pause"
            ? "bulk_action_paused"
            : options.change === "resume"
              ? "bulk_action_resumed"
              : "bulk_action_aborted",
        request: options.request,
        reason: options.reason.trim(),
        workflowType: (bulk.filter as { workflowType?: string }).workflowType ?? null,
        bulkActionId: bulk.id,
      });
    }
    return { type: "done", status: rule.to } as const;
  });
}

async function lockBulk(db: Db, id: string) {
  const [bulk] = await db.select().from(bulkActions).where(eq(bulkActions.id, id)).for("update");
  return bulk ?? null;
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

export type AdvanceResult = "finished" | "paused" | "stopped" | "busy" | "idle";

/**
 * Works through a running bulk action's pending targets, canary first, in this process,
 * while it holds the runner lease. Returns when the action is finished, paused (by a person
 * or a failed canary), aborted, or another process runs it.
 */
export async function advanceBulk(
  deps: ActionDeps,
  options: { bulkActionId: string; runnerId?: string; maxTargets?: number },
): Promise<AdvanceResult> {
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
  let handled = 0;
  for (;;) {
    if (options.maxTargets !== undefined && handled >= options.maxTargets) return "stopped";
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
      ({
        outcome,
        message,
        finishedAt: new Date(),
      }) as const;
    const where = and(
      eq(bulkActionTargets.bulkActionId, bulk.id),
      eq(bulkActionTargets.position, target.position),
    );
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
      await db
        .update(bulkActionTargets)
        .set(record("failed", (error as Error).message.slice(0, 500)))
        .where(where);
      handled++;
      continue;
    }
    const { outcome, message } = outcomeOf(result);
    await db.update(bulkActionTargets).set(record(outcome, message)).where(where);
    handled++;

    // Between operations: still ours, and still running?
    const renewed = await claimRunner(db, bulk.id, runnerId);
    if (!renewed) return "stopped";
    bulk = renewed;
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

export interface BulkView {
  id: string;
  action: BulkActionKind;
  step: string | null;
  filter: ReturnType<typeof serialiseFilter>;
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

/** A bulk action with its progress and per-operation outcomes. */
export class BulkPresenter {
  constructor(private readonly db: Db) {}

  async get(id: string, options: { limit?: number } = {}): Promise<BulkView | null> {
    const [bulk] = await this.db.select().from(bulkActions).where(eq(bulkActions.id, id));
    if (!bulk) return null;
    const grouped = await this.db
      .select({ outcome: bulkActionTargets.outcome, n: count() })
      .from(bulkActionTargets)
      .where(eq(bulkActionTargets.bulkActionId, id))
      .groupBy(bulkActionTargets.outcome);
    const counts = { pending: 0, succeeded: 0, already_done: 0, refused: 0, failed: 0 } as Record<
      BulkOutcome,
      number
    >;
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
      .limit(options.limit ?? BULK_CAP);
    return {
      id: bulk.id,
      action: bulk.action,
      step: bulk.step,
      filter: bulk.filter as BulkView["filter"],
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

  async recent(limit = 20) {
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
      .limit(limit);
  }
}

/** Bulk actions this process is running, so a kick never starts a second runner here. */
const running = new Map<string, Promise<AdvanceResult>>();

/**
 * Runs a bulk action in the background of this process (web): after it is confirmed or
 * resumed, and whenever its progress is read while no live runner holds it (a restarted
 * process picks it up again).
 */
export function kickBulk(deps: ActionDeps, bulkActionId: string, log: (error: unknown) => void): void {
  if (running.has(bulkActionId)) return;
  const run = advanceBulk(deps, { bulkActionId })
    .catch((error: unknown) => {
      log(error);
      return "stopped" as const;
    })
    .finally(() => running.delete(bulkActionId));
  running.set(bulkActionId, run);
}
