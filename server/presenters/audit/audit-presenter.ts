import { and, desc, eq, gte, ilike, lt, lte, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditRecords } from "@/db/schema";
import type { AuditAction } from "@/server/domain/audit-actions";
import { escapeLike } from "@/server/presenters/rows";

export interface AuditFilter {
  /** Part of the actor's email or key prefix, case-insensitive. */
  actor?: string;
  action?: AuditAction;
  workflowType?: string;
  operationId?: string;
  bulkActionId?: string;
  from?: Date;
  to?: Date;
}

const COLUMNS = {
  seq: auditRecords.seq,
  at: auditRecords.at,
  actorKind: auditRecords.actorKind,
  actorId: auditRecords.actorId,
  actorLabel: auditRecords.actorLabel,
  actorRole: auditRecords.actorRole,
  action: auditRecords.action,
  operationId: auditRecords.operationId,
  step: auditRecords.step,
  workflowType: auditRecords.workflowType,
  bulkActionId: auditRecords.bulkActionId,
  reason: auditRecords.reason,
  statusBefore: auditRecords.statusBefore,
  statusAfter: auditRecords.statusAfter,
  details: auditRecords.details,
  requestId: auditRecords.requestId,
  clientAddress: auditRecords.clientAddress,
  hash: auditRecords.hash,
};

export type AuditRow = {
  [K in keyof typeof COLUMNS]: (typeof COLUMNS)[K]["_"]["notNull"] extends true
    ? (typeof COLUMNS)[K]["_"]["data"]
    : (typeof COLUMNS)[K]["_"]["data"] | null;
};

function where(filter: AuditFilter, before?: number): SQL | undefined {
  return and(
    filter.actor ? ilike(auditRecords.actorLabel, `%${escapeLike(filter.actor)}%`) : undefined,
    filter.action ? eq(auditRecords.action, filter.action) : undefined,
    filter.workflowType ? eq(auditRecords.workflowType, filter.workflowType) : undefined,
    filter.operationId ? eq(auditRecords.operationId, filter.operationId) : undefined,
    filter.bulkActionId ? eq(auditRecords.bulkActionId, filter.bulkActionId) : undefined,
    filter.from ? gte(auditRecords.at, filter.from) : undefined,
    filter.to ? lte(auditRecords.at, filter.to) : undefined,
    before !== undefined ? lt(auditRecords.seq, before) : undefined,
  );
}

export interface AuditPage {
  /** The `seq` of the previous page's last record. */
  cursor?: number;
  limit: number;
}

/** The Audit page and an operation's history: newest first, keyset pages by `seq`. */
export class AuditPresenter {
  constructor(private readonly db: Db) {}

  async call(input: AuditFilter & AuditPage): Promise<{ items: AuditRow[]; next: number | null }> {
    const { cursor, limit, ...filter } = input;
    const rows = await this.db
      .select(COLUMNS)
      .from(auditRecords)
      .where(where(filter, cursor))
      .orderBy(desc(auditRecords.seq))
      .limit(limit + 1);
    const items = rows.slice(0, limit) as AuditRow[];
    return { items, next: rows.length > limit ? items.at(-1)!.seq : null };
  }
}
