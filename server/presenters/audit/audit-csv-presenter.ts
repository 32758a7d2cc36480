import { AUDIT_ACTION_LABELS } from "@/server/audit/action-labels";
import type { AuditFilter, AuditPresenter, AuditRow } from "./audit-presenter";

/** Most records one export holds; the response says when it was cut. */
const MAX_ROWS = 100_000;
const PAGE_ROWS = 5_000;

/** The Audit page's records as CSV (newest first), for the export route. */
export class AuditCsvPresenter {
  constructor(private readonly audit: AuditPresenter) {}

  async call(
    input: AuditFilter & { max?: number },
  ): Promise<{ text: string; rows: number; truncated: boolean }> {
    const { max = MAX_ROWS, ...filter } = input;
    const lines = [CSV_HEADER.join(",")];
    let cursor: number | undefined;
    let rows = 0;
    while (rows < max) {
      const page = await this.audit.call({ ...filter, cursor, limit: Math.min(PAGE_ROWS, max - rows) });
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
