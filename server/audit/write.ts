import { and, desc, eq, gt } from "drizzle-orm";
import { auditRecords } from "@/db/schema";
import type { Queryable, Tx } from "@/db/transaction";
import type { AuditAction, AuditActorKind } from "@/server/domain/audit-actions";
import type { Principal } from "@/server/domain/principal";
import type { OperationStatus } from "@/server/domain/statuses";
import { type ChainedFields, CURRENT_HASH_FORMAT, GENESIS_HASH, hashRecord, macOf, microsOf } from "./chain";
import { auditKeyFromEnv } from "./key";

/** Serialises audit writers so each record links to the one committed just before it. */
const AUDIT_CHAIN_LOCK = 7_130_007;

export interface AuditActor {
  kind: AuditActorKind;
  id: string;
  /** An email, a key prefix, `system`. */
  label: string;
  /** The staff role at the time, `key` or `system`. */
  role: string;
}

export const SYSTEM_ACTOR: AuditActor = { kind: "system", id: "system", label: "system", role: "system" };

/** The audited identity of whoever is asking; anonymous callers never act. */
export function auditActorOf(principal: Principal): AuditActor {
  switch (principal.kind) {
    case "staff":
      return { kind: "user", id: principal.userId, label: principal.email, role: principal.role };
    case "key":
      return { kind: "key", id: principal.keyId, label: principal.prefix, role: "key" };
    case "anonymous":
      throw new Error("An anonymous caller cannot be the actor of an audited action.");
  }
}

/** Where the request came from: carried from the transport to every audit record. */
export interface RequestMeta {
  requestId: string | null;
  clientAddress: string | null;
}

export const NO_REQUEST: RequestMeta = { requestId: null, clientAddress: null };

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  request: RequestMeta;
  /** The sentence a person gave; required for every operator action. */
  reason?: string | null;
  operationId?: string | null;
  step?: string | null;
  workflowType?: string | null;
  bulkActionId?: string | null;
  statusBefore?: OperationStatus | null;
  statusAfter?: OperationStatus | null;
  details?: Record<string, unknown> | null;
}

export interface WrittenAudit {
  seq: number;
  hash: string;
  at: Date;
}

/**
 * Appends one record to the audit chain inside the caller's transaction, so the record
 * commits with the change it describes or not at all. Takes a transaction-scoped advisory
 * lock: concurrent writers queue here until the holder commits, so `seq` stays gapless
 * and each record links to the one committed just before it. With the audit key
 * (THROUGHLINE_AUDIT_KEY) the record is also sealed (`mac`), so nobody without the key can
 * re-chain or forge records; the worker's checkpoints (checkpoint.ts) anchor the tail.
 */
export async function appendAudit(
  tx: Tx,
  entry: AuditEntry,
  now: Date = new Date(),
  key: string | null = auditKeyFromEnv(),
): Promise<WrittenAudit> {
  await tx.sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const [last] = await tx.db
    .select({ seq: auditRecords.seq, hash: auditRecords.hash })
    .from(auditRecords)
    .orderBy(desc(auditRecords.seq))
    .limit(1);
  const at = new Date(now.getTime());
  const fields: ChainedFields = {
    seq: (last?.seq ?? 0) + 1,
    // Stored as this exact instant (whole milliseconds); hashed as the microseconds PostgreSQL
    // keeps, so a verify run reading them back as text sees any change below the millisecond.
    atMicros: microsOf(at),
    hashFormat: CURRENT_HASH_FORMAT,
    actorKind: entry.actor.kind,
    actorId: entry.actor.id,
    actorLabel: entry.actor.label,
    actorRole: entry.actor.role,
    action: entry.action,
    operationId: entry.operationId ?? null,
    step: entry.step ?? null,
    workflowType: entry.workflowType ?? null,
    bulkActionId: entry.bulkActionId ?? null,
    reason: entry.reason ?? null,
    statusBefore: entry.statusBefore ?? null,
    statusAfter: entry.statusAfter ?? null,
    details: entry.details ?? null,
    requestId: entry.request.requestId,
    clientAddress: entry.request.clientAddress,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = hashRecord(fields);
  const { atMicros: _micros, ...columns } = fields;
  await tx.db.insert(auditRecords).values({
    ...columns,
    at,
    actorKind: entry.actor.kind,
    action: entry.action,
    statusBefore: entry.statusBefore ?? null,
    statusAfter: entry.statusAfter ?? null,
    hash,
    mac: key === null ? null : macOf(key, hash),
  });
  return { seq: fields.seq, hash, at };
}

/** The latest record of `action` on an operation since `since`: who did it, for "already done". */
export async function latestAuditFor(
  db: Queryable,
  options: { operationId: string; action: AuditAction; since: Date },
): Promise<{ actorLabel: string; at: Date } | null> {
  const [row] = await db
    .select({ actorLabel: auditRecords.actorLabel, at: auditRecords.at })
    .from(auditRecords)
    .where(
      and(
        eq(auditRecords.operationId, options.operationId),
        eq(auditRecords.action, options.action),
        gt(auditRecords.at, options.since),
      ),
    )
    .orderBy(desc(auditRecords.seq))
    .limit(1);
  return row ?? null;
}
