import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The simulated external systems (server/providers). Each owns its tables: they are the
 * authoritative business state a workflow's preconditions re-read, never Throughline's own
 * operation state. Every table is prefixed `sim_` so nobody mistakes them for the product.
 */

export const PROVIDERS = ["payments", "warehouse", "carrier", "email", "risk"] as const;
export type ProviderName = (typeof PROVIDERS)[number];
export const simProvider = pgEnum("sim_provider", PROVIDERS);

export const SIM_ORDER_STATUSES = ["open", "cancelled", "fulfilled"] as const;
export const simOrderStatus = pgEnum("sim_order_status", SIM_ORDER_STATUSES);
export const SIM_REVIEW_STATUSES = ["pending", "approved", "rejected"] as const;
export const simReviewStatus = pgEnum("sim_review_status", SIM_REVIEW_STATUSES);

const createdAt = timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** Fault injection per provider, changed at run time from the sandbox page. */
export const simFaults = pgTable(
  "sim_faults",
  {
    provider: simProvider("provider").primaryKey(),
    latencyMs: integer("latency_ms").notNull().default(0),
    /** Share of calls that fail before applying anything, retryable. */
    transientErrorRate: real("transient_error_rate").notNull().default(0),
    /** Share of calls refused outright, not retryable. */
    permanentErrorRate: real("permanent_error_rate").notNull().default(0),
    /** Share of calls that apply the effect, then lose the answer: what idempotency keys exist for. */
    loseAnswerRate: real("lose_answer_rate").notNull().default(0),
    updatedAt,
  },
  (t) => [
    check(
      "sim_faults_rates",
      sql`${t.transientErrorRate} between 0 and 1 and ${t.permanentErrorRate} between 0 and 1 and ${t.loseAnswerRate} between 0 and 1 and ${t.latencyMs} >= 0`,
    ),
  ],
);

/**
 * How the simulated carrier answers a pickup's callback (sandbox page): `confirm` after
 * `delay_ms`, `duplicate` (confirms twice), `fail` (a failure acknowledgment), `never` (the
 * wait's deadline decides). No row: confirm after the default delay (server/providers/carrier-callback.ts).
 */
export const SIM_CALLBACK_MODES = ["confirm", "duplicate", "fail", "never"] as const;
export type SimCallbackMode = (typeof SIM_CALLBACK_MODES)[number];
export const simCallbackSettings = pgTable(
  "sim_callback_settings",
  {
    provider: simProvider("provider").primaryKey(),
    mode: text("mode", { enum: SIM_CALLBACK_MODES }).notNull().default("confirm"),
    delayMs: integer("delay_ms").notNull().default(300),
    updatedAt,
  },
  (t) => [
    check(
      "sim_callback_settings_valid",
      sql`${t.delayMs} between 0 and 86400000 and ${t.mode} in ('confirm', 'duplicate', 'fail', 'never')`,
    ),
  ],
);

/**
 * A pickup callback the simulated carrier owes, written when it books with a callback. The
 * booking worker sends it on a timer and marks it done; one that is still not done well after
 * it was due (its worker died first) is sent by another worker's backstop pass
 * (sendOverdueCallbacks), so a SIGKILL between the step's commit and the callback loses nothing.
 */
export const simOwedCallbacks = pgTable(
  "sim_owed_callbacks",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    token: text("token").notNull(),
    url: text("url").notNull(),
    /** The bodies to send, in order (callbackPlan). */
    bodies: jsonb("bodies").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    /** Backstop sends so far (each claims the row for a while first). */
    attempts: integer("attempts").notNull().default(0),
    doneAt: timestamp("done_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sim_owed_callbacks_due_idx").on(t.dueAt).where(sql`${t.doneAt} is null`)],
);

/**
 * Every provider's effects ledger, keyed by the caller's idempotency key: a repeated key
 * returns the stored answer and applies nothing again.
 */
export const simEffects = pgTable(
  "sim_effects",
  {
    provider: simProvider("provider").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    action: text("action").notNull(),
    /** `applied` changed the provider's state; `declined` is a business refusal, also replayed. */
    outcome: text("outcome", { enum: ["applied", "declined"] }).notNull(),
    response: jsonb("response").notNull(),
    createdAt,
  },
  (t) => [primaryKey({ columns: [t.provider, t.idempotencyKey] })],
);

/** The shop's order book (kept by the warehouse): a cancelled order must not be fulfilled. */
export const simOrders = pgTable("sim_orders", {
  id: text("id").primaryKey(),
  customerEmail: text("customer_email").notNull(),
  amountCents: integer("amount_cents").notNull(),
  currency: text("currency").notNull(),
  status: simOrderStatus("status").notNull().default("open"),
  createdAt,
  updatedAt,
});

export const simStock = pgTable(
  "sim_stock",
  {
    sku: text("sku").primaryKey(),
    title: text("title").notNull(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull().default(0),
    updatedAt,
  },
  // The warehouse never promises stock it does not have.
  (t) => [check("sim_stock_reserved", sql`${t.reserved} >= 0 and ${t.reserved} <= ${t.onHand}`)],
);

export const simReservations = pgTable(
  "sim_reservations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: text("order_id").notNull(),
    sku: text("sku").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: ["reserved", "released"] })
      .notNull()
      .default("reserved"),
    createdAt,
    releasedAt: timestamp("released_at", { withTimezone: true }),
  },
  (t) => [index("sim_reservations_order_idx").on(t.orderId)],
);

export const simCharges = pgTable(
  "sim_charges",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    customerEmail: text("customer_email").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["captured", "refunded"] })
      .notNull()
      .default("captured"),
    createdAt,
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
  },
  (t) => [index("sim_charges_order_idx").on(t.orderId)],
);

export const simShipments = pgTable("sim_shipments", {
  id: text("id").primaryKey(),
  orderId: text("order_id").notNull(),
  trackingNumber: text("tracking_number").notNull().unique(),
  createdAt,
});

export const simEmails = pgTable("sim_emails", {
  id: uuid("id").primaryKey().defaultRandom(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  createdAt,
});

/** Customer accounts awaiting verification (kept by the risk/compliance service). */
export const simAccounts = pgTable("sim_accounts", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  country: text("country").notNull(),
  status: text("status", { enum: ["pending", "active", "closed"] })
    .notNull()
    .default("pending"),
  createdAt,
  activatedAt: timestamp("activated_at", { withTimezone: true }),
});

export const simDocuments = pgTable(
  "sim_documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: text("account_id").notNull(),
    kind: text("kind").notNull(),
    status: text("status", { enum: ["collected", "deleted"] })
      .notNull()
      .default("collected"),
    createdAt,
  },
  (t) => [index("sim_documents_account_idx").on(t.accountId)],
);

export const simRiskAssessments = pgTable("sim_risk_assessments", {
  id: uuid("id").primaryKey().defaultRandom(),
  accountId: text("account_id").notNull(),
  score: integer("score").notNull(),
  level: text("level", { enum: ["low", "high"] }).notNull(),
  reasons: jsonb("reasons").notNull(),
  createdAt,
});

/** A compliance officer's review of one verification, keyed by the operation that asked. */
export const simReviews = pgTable("sim_reviews", {
  operationId: uuid("operation_id").primaryKey(),
  accountId: text("account_id").notNull(),
  score: integer("score").notNull(),
  status: simReviewStatus("status").notNull().default("pending"),
  reviewer: text("reviewer"),
  note: text("note"),
  createdAt,
  decidedAt: timestamp("decided_at", { withTimezone: true }),
});
