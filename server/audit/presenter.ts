import { and, desc, eq, gte, ilike, lt, lte, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditRecords } from "@/db/schema";
import { AUDIT_ACTION_LABELS, type AuditAction } from "./actions";

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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

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

/** The Audit page and an operation's history: newest first, keyset pages by `seq`. */
export class AuditPresenter {
  constructor(private readonly db: Db) {}

  async list(
    filter: AuditFilter,
    page: { cursor?: number; limit: number },
  ): Promise<{ items: AuditRow[]; next: number | null }> {
    const rows = await this.db
      .select(COLUMNS)
      .from(auditRecords)
      .where(where(filter, page.cursor))
      .orderBy(desc(auditRecords.seq))
      .limit(page.limit + 1);
    const items = rows.slice(0, page.limit) as AuditRow[];
    return { items, next: rows.length > page.limit ? items.at(-1)!.seq : null };
  }

  /** Every matching record as CSV (newest first), at most `max` rows. */
  async csv(filter: AuditFilter, max = 100_000): Promise<{ text: string; rows: number; truncated: boolean }> {
    const lines = [CSV_HEADER.join(",")];
    let cursor: number | undefined;
    let rows = 0;
    while (rows < max) {
      const page = await this.list(filter, { cursor, limit: Math.min(5_000, max - rows) });
      for (const r of page.items) lines.push(csvLine(r));
      rows += page.items.length;
      if (page.next === null) return { text: `${lines.join("\r\n")}\r\n`, rows, truncated: false };
      cursor = page.next;
    }
    return { text: `${lines.join("\r\n")}\r\n`, rows, truncated: true };
  }
}

const CSV_HEADER = [
  "seq",
  "at",
  "actor_kind",
  "actor",
  "role",
  "action",
  "action_label",
  "operation_id",
  "step",
  "workflow_type",
  "bulk_action_id",
  "reason",
  "status_before",
  "status_after",
  "details",
  "request_id",
  "client_address",
  "hash",
];

function csvLine(r: AuditRow): string {
  return [
    r.seq,
    r.at.toISOString(),
    r.actorKind,
    r.actorLabel,
    r.actorRole,
    r.action,
    AUDIT_ACTION_LABELS[r.action],
    r.operationId,
    r.step,
    r.workflowType,
    r.bulkActionId,
    r.reason,
    r.statusBefore,
    r.statusAfter,
    r.details === null ? null : JSON.stringify(r.details),
    r.requestId,
    r.clientAddress,
    r.hash,
  ]
    .map(csvCell)
    .join(",");
}

/**
 * RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a
 * formula (=, +, -, @): reasons are typed by people.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
