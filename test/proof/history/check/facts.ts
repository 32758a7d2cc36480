import type { SqlQueryable } from "@/db/transaction";

/** One row of `proof_changes` (instrument.ts). */
export interface Change {
  seq: number;
  txid: string;
  kind: "operation" | "step" | "event";
  operationId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the trigger's JSON, read per kind by the checks
  row: any;
}

export interface AuditFact {
  seq: number;
  action: string;
  operationId: string | null;
  step: string | null;
  requestId: string | null;
  bulkActionId: string | null;
}

export interface BulkTargetFact {
  bulkActionId: string;
  operationId: string;
  outcome: string;
}

export interface OperationFact {
  id: string;
  type: string;
  status: string;
  submittedBy: string;
  idempotencyKey: string | null;
}

export interface EventFact {
  id: number;
  operationId: string;
  type: string;
}

/** What the checks read from the database after the run settled. */
export interface Facts {
  changes: Change[];
  audit: AuditFact[];
  operations: OperationFact[];
  events: EventFact[];
  bulkTargets: BulkTargetFact[];
}

export async function readFacts(sql: SqlQueryable): Promise<Facts> {
  const [changes, audit, operations, events, bulkTargets] = await Promise.all([
    sql<Change[]>`select seq::float8 as seq, txid::text as txid, kind, operation_id as "operationId", row
                  from proof_changes order by seq`,
    sql<AuditFact[]>`select seq::float8 as seq, action::text as action, operation_id as "operationId", step,
                     request_id as "requestId", bulk_action_id as "bulkActionId" from audit_records order by seq`,
    sql<OperationFact[]>`select id, type, status::text as status, submitted_by as "submittedBy",
                         idempotency_key as "idempotencyKey" from operations`,
    sql<EventFact[]>`select id::float8 as id, operation_id as "operationId", type::text as type
                     from events order by id`,
    sql<BulkTargetFact[]>`select bulk_action_id as "bulkActionId", operation_id as "operationId",
                          outcome::text as outcome from bulk_action_targets`,
  ]);
  return {
    changes: [...changes],
    audit: [...audit],
    operations: [...operations],
    events: [...events],
    bulkTargets: [...bulkTargets],
  };
}

/** Changes grouped per operation, then per transaction in log order. */
export function transactionsByOperation(changes: Change[]): Map<string, Change[][]> {
  const out = new Map<string, Change[][]>();
  for (const c of changes) {
    const txns = out.get(c.operationId) ?? [];
    out.set(c.operationId, txns);
    const last = txns[txns.length - 1];
    if (last && last[0]!.txid === c.txid) last.push(c);
    else txns.push([c]);
  }
  return out;
}

export interface Violation {
  check: string;
  detail: string;
  operationId?: string;
  entry?: number;
}
