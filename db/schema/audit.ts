import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgEnum, pgTable, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS } from "@/server/domain/audit-actions";
import { operationStatus } from "./enums";

export const auditAction = pgEnum("audit_action", AUDIT_ACTIONS);
export const auditActorKind = pgEnum("audit_actor_kind", AUDIT_ACTOR_KINDS);

/**
 * The audit history: append-only (a trigger rejects UPDATE, DELETE and TRUNCATE), each row
 * chained to the one before by SHA-256 (server/audit/chain.ts), written in the same
 * transaction as the change it records. `seq` is the chain position, gapless, assigned
 * under an advisory lock. No foreign keys: the history outlives what it talks about.
 */
export const auditRecords = pgTable(
  "audit_records",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorKind: auditActorKind("actor_kind").notNull(),
    /** Staff user id, API key id, or `system`. */
    actorId: text("actor_id").notNull(),
    /** What a person reads: an email, a key prefix, `system`. */
    actorLabel: text("actor_label").notNull(),
    /** The staff role at the time (`support`/`operator`/`admin`), `key` or `system`. */
    actorRole: text("actor_role").notNull(),
    action: auditAction("action").notNull(),
    operationId: uuid("operation_id"),
    step: text("step"),
    workflowType: text("workflow_type"),
    /** Set on a bulk action's own record and on each per-operation record it caused. */
    bulkActionId: uuid("bulk_action_id"),
    reason: text("reason"),
    statusBefore: operationStatus("status_before"),
    statusAfter: operationStatus("status_after"),
    details: jsonb("details"),
    requestId: text("request_id"),
    clientAddress: text("client_address"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull().unique(),
    /**
     * Which hash format `hash` follows (server/audit/chain.ts): 1 = time to the millisecond
     * (records written before the chain was anchored), 2 = time in epoch microseconds.
     */
    hashFormat: smallint("hash_format").notNull().default(1),
    /** HMAC of `hash` under the audit key (kept outside the database); null when written without one. */
    mac: text("mac"),
  },
  (t) => [
    index("audit_records_operation_idx").on(t.operationId, t.seq).where(sql`${t.operationId} is not null`),
    index("audit_records_action_idx").on(t.action, t.seq),
    index("audit_records_actor_idx").on(t.actorLabel, t.seq),
    index("audit_records_workflow_idx").on(t.workflowType, t.seq).where(sql`${t.workflowType} is not null`),
    index("audit_records_at_idx").on(t.at),
    // "Did this person sign in from this address before?" (SignInLimiter's exemption), asked on
    // every refused guess while an account is under attack: one index probe, not a scan.
    index("audit_records_sign_in_idx")
      .on(t.actorLabel, t.clientAddress)
      .where(sql`${t.action} = 'signed_in'`),
  ],
);

/**
 * Signed heads of the audit chain (server/audit/checkpoint.ts), append-only like the records:
 * each says "the chain had `recordCount` records ending in `headHash`", under an HMAC whose key
 * is not in the database, and is also appended to a file and the worker's log. A verify run
 * that finds fewer records, or another hash at `headSeq`, knows the tail was removed or re-chained.
 */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  /** 1, 2, 3, … with no gaps: a missing checkpoint is itself a sign of tampering. */
  n: bigint("n", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true }).notNull(),
  recordCount: bigint("record_count", { mode: "number" }).notNull(),
  headSeq: bigint("head_seq", { mode: "number" }).notNull(),
  headHash: text("head_hash").notNull(),
  /**
   * The head record's seal, null when it had none. Seals are not covered by the hash, so
   * without this someone could strip every seal, and records appended after that would pass
   * as unsealed history; with it, the head must keep its seal and every record after it needs one.
   */
  headMac: text("head_mac"),
  /** The previous checkpoint's signature (empty for the first): checkpoints form a chain too. */
  prevSignature: text("prev_signature").notNull(),
  /** Which key signed (a fingerprint, not the key): a key change reads as such, not as forgery. */
  keyId: text("key_id").notNull(),
  signature: text("signature").notNull().unique(),
  /** The worker that wrote it. */
  writer: text("writer").notNull(),
});
