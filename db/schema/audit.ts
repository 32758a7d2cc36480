import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
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
  },
  (t) => [
    index("audit_records_operation_idx").on(t.operationId, t.seq).where(sql`${t.operationId} is not null`),
    index("audit_records_action_idx").on(t.action, t.seq),
    index("audit_records_actor_idx").on(t.actorLabel, t.seq),
    index("audit_records_workflow_idx").on(t.workflowType, t.seq).where(sql`${t.workflowType} is not null`),
    index("audit_records_at_idx").on(t.at),
  ],
);
