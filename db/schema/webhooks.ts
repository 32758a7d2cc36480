import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_FORMATS } from "@/server/domain/webhook-events";

export const webhookFormat = pgEnum("webhook_format", WEBHOOK_FORMATS);
export const webhookDeliveryStatus = pgEnum("webhook_delivery_status", WEBHOOK_DELIVERY_STATUSES);

/** A receiver registered by an admin: where to send which events, and the secret they are signed with. */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  /** Subset of WEBHOOK_EVENT_TYPES. */
  eventTypes: text("event_types").array().notNull(),
  /** Only operations of these workflow types (null: every type; alerts carry their type too). */
  workflowTypes: text("workflow_types").array(),
  /** Standard Webhooks secret (`whsec_…`), shown once at creation. */
  secret: text("secret").notNull(),
  format: webhookFormat("format").notNull().default("standard"),
  enabled: boolean("enabled").notNull().default(true),
  disabledReason: text("disabled_reason"),
  /** Failed attempts in a row; reaching the limit disables the endpoint. */
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  createdBy: text("created_by"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One event to send, written in the transaction of the change it reports (writeOutbox, and the
 * operations status trigger of migration 0008). `id` orders the events of one operation.
 */
export const webhookOutbox = pgTable(
  "webhook_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The Standard Webhooks `webhook-id`: stable across retries, so receivers can de-duplicate. */
    messageId: text("message_id").notNull().unique(),
    type: text("type").notNull(),
    operationId: uuid("operation_id"),
    workflowType: text("workflow_type"),
    data: jsonb("data").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_outbox_operation_idx").on(t.operationId, t.id),
    // Retention (pruneWebhooks) finds the old events without reading the new ones.
    index("webhook_outbox_created_idx").on(t.createdAt),
  ],
);

/** One event for one endpoint: fanned out when the event is written, retried until delivered or dead. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    outboxId: bigint("outbox_id", { mode: "number" })
      .notNull()
      .references(() => webhookOutbox.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** Copied from the event so "in order per operation" is one index lookup. */
    operationId: uuid("operation_id"),
    status: webhookDeliveryStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** A deliverer's claim while its request is in flight (a crashed deliverer's claim runs out). */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_order_idx")
      .on(t.endpointId, t.operationId, t.id)
      .where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id.desc()),
    // An event's deliveries: retention's "none still pending" and the cascade when it is deleted.
    index("webhook_deliveries_outbox_idx").on(t.outboxId),
  ],
);

/** The delivery log: every attempt with its answer. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: bigint("delivery_id", { mode: "number" })
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first bytes of the answer, or the transport error. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.id)],
);
