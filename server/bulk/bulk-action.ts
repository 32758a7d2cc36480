import { eq } from "drizzle-orm";
import { bulkActions } from "@/db/schema";
import type { Queryable } from "@/db/transaction";
import type { BulkActionKind, BulkStatus } from "@/server/domain/bulk";
import type { BlockKind, OperationStatus } from "@/server/domain/statuses";

/**
 * Bulk actions on a search result ("replay every order.fulfill blocked on charge_payment
 * since 10:00"): a dry run freezes the matching operations as the target set (operations
 * that match later are never swept in); the person confirms by typing the count; a few
 * canary operations go first and the rest only if they all worked; it can be paused,
 * resumed and aborted; every operation gets its own outcome and its own audit record,
 * linked to the bulk action's one record. The commands live beside this file, the runner
 * (runner.ts) is a worker job (work.ts), and its read model is server/presenters/bulk/.
 */

/** Most operations one bulk action may touch. */
export const BULK_CAP = 500;
export const DEFAULT_CANARY_SIZE = 3;

export interface BulkFilter {
  workflowType: string;
  statuses?: OperationStatus[];
  /** The step the operation is at (its current step). */
  step?: string;
  /** In this state since: last changed at or after this time. */
  since?: Date;
  until?: Date;
  /** Blocked with this kind (retries ran out, awaiting a person, …). */
  blockedKind?: BlockKind;
  /** Blocked by this cause: a `blockCause(kind, step, signature)` key (the inbox's groups). */
  cause?: string;
  /** What the search box found for this text (searchTextWhere): a bulk action started from a search. */
  text?: string;
}

/** The filter as the bulk action row keeps it (JSON). */
export interface StoredBulkFilter {
  workflowType: string;
  statuses: string[];
  step: string | null;
  since: string | null;
  until: string | null;
  /** Absent on bulk actions made before these filters existed. */
  blockedKind?: BlockKind | null;
  cause?: string | null;
  text?: string | null;
}

export interface BulkRequest {
  action: BulkActionKind;
  /** For replay and skip. */
  step?: string;
  /** For skip: the output to record for the step on every operation. */
  output?: unknown;
}

/** What confirm, pause, resume and abort answer. */
export type BulkChangeResult =
  | { type: "done"; status: BulkStatus }
  | { type: "not_found" }
  | { type: "already_done"; message: string }
  | { type: "refused"; message: string };

export function storedFilter(filter: BulkFilter): StoredBulkFilter {
  return {
    workflowType: filter.workflowType,
    statuses: filter.statuses ?? [],
    step: filter.step ?? null,
    since: filter.since?.toISOString() ?? null,
    until: filter.until?.toISOString() ?? null,
    blockedKind: filter.blockedKind ?? null,
    cause: filter.cause ?? null,
    text: filter.text ?? null,
  };
}

/** The bulk action row, locked for the rest of the caller's transaction. */
export async function lockBulk(db: Queryable, id: string) {
  const [bulk] = await db.select().from(bulkActions).where(eq(bulkActions.id, id)).for("update");
  return bulk ?? null;
}
