import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { bulkActions, bulkActionTargets, operations } from "@/db/schema";
import { transaction } from "@/db/transaction";
import { reasonProblem } from "@/server/actions/plans";
import type { Principal } from "@/server/domain/principal";
import { type BlockCause, parseBlockCause } from "@/server/presenters/inbox/block-cause";
import {
  BULK_CAP,
  type BulkFilter,
  type BulkRequest,
  DEFAULT_CANARY_SIZE,
  storedFilter,
} from "./bulk-action";
import type { BulkDeps } from "./queue";
import { searchTextWhere } from "./text-filter";

export interface DryRunBulkOptions {
  principal: Principal;
  filter: BulkFilter;
  request: BulkRequest;
  /** Why; required, and recorded with every operation's audit record. */
  reason: string;
  /** Most targets; a search matching more is refused. */
  cap?: number;
  /** How many operations go first. */
  canarySize?: number;
}

export type DryRunResult =
  | { type: "frozen"; bulkActionId: string; count: number; canarySize: number }
  | { type: "empty" }
  | { type: "too_many"; cap: number }
  | { type: "invalid"; message: string };

/** Freezes the operations matching `filter` as the targets of a bulk action, without touching them. */
export async function dryRunBulk(
  deps: Pick<BulkDeps, "db">,
  options: DryRunBulkOptions,
): Promise<DryRunResult> {
  const problem = reasonProblem(options.reason) ?? requestProblem(options.request);
  if (problem) return { type: "invalid", message: problem };
  const { principal, filter } = options;
  if (principal.kind !== "staff") return { type: "invalid", message: "Only staff run bulk actions." };
  const cause = filter.cause ? parseBlockCause(filter.cause) : null;
  if (filter.cause && !cause) return { type: "invalid", message: "That is not a cause of blocked work." };
  const cap = options.cap ?? BULK_CAP;
  const ids = await deps.db
    .select({ id: operations.id })
    .from(operations)
    .where(
      and(
        eq(operations.type, filter.workflowType),
        filter.statuses?.length ? inArray(operations.status, filter.statuses) : undefined,
        filter.step ? eq(operations.currentStep, filter.step) : undefined,
        filter.since ? gte(operations.updatedAt, filter.since) : undefined,
        filter.until ? lt(operations.updatedAt, filter.until) : undefined,
        filter.blockedKind ? eq(operations.blockedKind, filter.blockedKind) : undefined,
        cause ? causeWhere(cause) : undefined,
        filter.text ? searchTextWhere(filter.text) : undefined,
      ),
    )
    .orderBy(asc(operations.id))
    .limit(cap + 1);
  if (ids.length === 0) return { type: "empty" };
  if (ids.length > cap) return { type: "too_many", cap };
  const canarySize = Math.min(options.canarySize ?? DEFAULT_CANARY_SIZE, ids.length);
  const bulkActionId = uuidv7();
  await transaction(deps.db, async (tx) => {
    await tx.db.insert(bulkActions).values({
      id: bulkActionId,
      action: options.request.action,
      step: options.request.step ?? null,
      output: options.request.output === undefined ? null : (options.request.output as object),
      filter: storedFilter(filter),
      reason: options.reason.trim(),
      targetCount: ids.length,
      canarySize,
      createdById: principal.userId,
      createdByLabel: principal.email,
    });
    await tx.db
      .insert(bulkActionTargets)
      .values(ids.map((r, position) => ({ bulkActionId, position, operationId: r.id })));
  });
  return { type: "frozen", bulkActionId, count: ids.length, canarySize };
}

/** Blocked by this cause: the conditions of operations_blocked_cause_idx (see causeCondition). */
function causeWhere(cause: BlockCause) {
  return and(
    eq(operations.status, "blocked"),
    eq(operations.blockedKind, cause.kind),
    eq(operations.currentStep, cause.step),
    eq(operations.blockSignature, cause.signature),
  );
}

function requestProblem(request: BulkRequest): string | null {
  if ((request.action === "replay" || request.action === "skip") && !request.step) {
    return `Name the step to ${request.action}.`;
  }
  return null;
}
