import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { BLOCK_SIGNATURE_COLUMN_SQL } from "@/db/block-signature";
import { blockKind, eventType, operationStatus, stepStatus } from "./enums";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

/** One business operation: the unit a person follows from acceptance to completion. */
export const operations = pgTable(
  "operations",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull(),
    version: integer("version").notNull(),
    status: operationStatus("status").notNull().default("accepted"),
    input: jsonb("input").notNull(),
    subject: text("subject"),
    reference: text("reference"),
    /** Who submitted it, e.g. `key:tl_ab12` or `user:…`; also the idempotency scope. */
    submittedBy: text("submitted_by").notNull(),
    idempotencyKey: text("idempotency_key"),
    /** SHA-256 of type+input+subject+reference: same key with another hash is a conflict. */
    requestHash: text("request_hash").notNull(),
    result: jsonb("result"),
    error: jsonb("error"),
    blockedKind: blockKind("blocked_kind"),
    blockedReason: text("blocked_reason"),
    actionRequired: text("action_required"),
    /** Name of the step that is running or next to run; null when terminal. */
    currentStep: text("current_step"),
    /**
     * While blocked, the key of the block reason's error signature (db/block-signature.ts),
     * computed by PostgreSQL on every write: the inbox groups by it and filters on it without
     * running the regular expressions over every blocked row at read time.
     */
    blockSignature: text("block_signature").generatedAlwaysAs(sql.raw(BLOCK_SIGNATURE_COLUMN_SQL)),
    traceId: text("trace_id").notNull(),
    /**
     * The intake span's context as a W3C traceparent (server/telemetry/tracing.ts): every step
     * span of this operation is its child, in whichever process runs it. Null before migration
     * 0023 (steps then derive a parent from trace_id).
     */
    traceParent: text("trace_parent"),
    synthetic: boolean("synthetic").notNull().default(false),
    ...timestamps,
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    // Idempotency keys are scoped to the caller; only rows with a key take part.
    uniqueIndex("operations_idempotency_uq")
      .on(t.submittedBy, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    // Ids are UUIDv7, so ordering by id is ordering by acceptance time: lists and
    // cursors use (filter…, id desc) and need no separate created_at index.
    index("operations_status_type_idx").on(t.status, t.type, t.id.desc()),
    index("operations_type_idx").on(t.type, t.id.desc()),
    index("operations_subject_idx").on(t.subject, t.id.desc()).where(sql`${t.subject} is not null`),
    index("operations_reference_idx").on(t.reference, t.id.desc()).where(sql`${t.reference} is not null`),
    // Blocked work by cause (kind, step, error signature) and type, newest last: the inbox's
    // groups (an index-only scan), one group's list in order, the bulk filter on one cause.
    // Only blocked rows are indexed.
    index("operations_blocked_cause_idx")
      .on(t.blockedKind, t.currentStep, t.blockSignature, t.type, t.updatedAt)
      .where(sql`${t.status} = 'blocked'`),
  ],
);

/** The planned steps of an operation, with the lease a worker holds while running one. */
export const steps = pgTable(
  "steps",
  {
    operationId: uuid("operation_id")
      .notNull()
      .references(() => operations.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    status: stepStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastError: jsonb("last_error"),
    output: jsonb("output"),
    skipReason: text("skip_reason"),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.operationId, t.position] }),
    uniqueIndex("steps_operation_name_uq").on(t.operationId, t.name),
  ],
);

/** Append-only timeline. `id` is a global, ordered cursor for live catch-up. */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    operationId: uuid("operation_id")
      .notNull()
      .references(() => operations.id, { onDelete: "cascade" }),
    type: eventType("type").notNull(),
    step: text("step"),
    actor: text("actor").notNull(),
    data: jsonb("data"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("events_operation_idx").on(t.operationId, t.id)],
);

/** Service credentials. Only a hash is stored; the prefix identifies a key in the UI and logs. */
export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull().unique(),
  hash: text("hash").notNull().unique(),
  scopes: text("scopes").array().notNull(),
  /** When set, the key sees and starts only operations of these workflow types (null: every type). */
  workflowTypes: text("workflow_types").array(),
  /** The admin who created it (audit keeps the full story). */
  createdBy: text("created_by"),
  ...timestamps,
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

/** Worker processes announce themselves here; the console shows who is alive. */
export const workers = pgTable("workers", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  stoppedAt: timestamp("stopped_at", { withTimezone: true }),
  /**
   * The session-level advisory lock the worker holds on a connection of its own while it lives
   * (server/engine/liveness.ts). A dead process's connections close at once, so a free lock says
   * "dead" long before its leases expire; null (older workers) leaves only lease expiry.
   */
  livenessLock: bigint("liveness_lock", { mode: "bigint" }),
});
