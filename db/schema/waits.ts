import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { WAIT_KINDS, WAIT_OUTCOMES, WAIT_STATES } from "@/server/domain/waits";
import { operations } from "./operations";

export const waitKind = pgEnum("wait_kind", WAIT_KINDS);
export const waitState = pgEnum("wait_state", WAIT_STATES);
export const waitOutcome = pgEnum("wait_outcome", WAIT_OUTCOMES);

/**
 * One durable wait of one step: the row is the whole wait — no worker, lease or job is held
 * while it is open. The callback token names this row's id and is signed over
 * (operation, step, id), so the row, not the token, decides what an acknowledgment does.
 */
export const waits = pgTable(
  "waits",
  {
    /** Random (v4), never derived from time: it is part of the signed callback token. */
    id: uuid("id").primaryKey(),
    operationId: uuid("operation_id")
      .notNull()
      .references(() => operations.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    kind: waitKind("kind").notNull(),
    state: waitState("state").notNull().default("waiting"),
    /** The external system waited on (`carrier`, `customer`), for the console and the dashboard. */
    target: text("target").notNull(),
    /** Past it: block `awaiting_external` or fail, as the step declares. Null: no deadline. */
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    /** Declared heartbeat interval; each heartbeat moves `heartbeatDeadlineAt`, never `deadlineAt`. */
    heartbeatMs: integer("heartbeat_ms"),
    heartbeatDeadlineAt: timestamp("heartbeat_deadline_at", { withTimezone: true }),
    lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }),
    /** A timer's due time (kind `timer`); an operator's "run now" sets it to now. */
    wakeAt: timestamp("wake_at", { withTimezone: true }),
    outcome: waitOutcome("outcome"),
    /** The accepted acknowledgment as validated by the step's schema (or the failure's problem). */
    payload: jsonb("payload"),
    /** SHA-256 of outcome + canonical payload: the same acknowledgment again answers 200, another 409. */
    payloadHash: text("payload_hash"),
    /** `callback`, `key:tl_…`, `user:…`, `track:<ip>`: who completed it, for the timeline and audit. */
    completedBy: text("completed_by"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open wait per step: a redelivered effect that opens the wait again finds this one.
    uniqueIndex("waits_open_step_uq").on(t.operationId, t.step).where(sql`${t.state} = 'waiting'`),
    // The deadline companion scans only open waits, soonest first.
    index("waits_open_deadline_idx")
      .on(t.deadlineAt)
      .where(sql`${t.state} = 'waiting' and ${t.deadlineAt} is not null`),
    index("waits_open_heartbeat_idx")
      .on(t.heartbeatDeadlineAt)
      .where(sql`${t.state} = 'waiting' and ${t.heartbeatDeadlineAt} is not null`),
    index("waits_open_wake_idx").on(t.wakeAt).where(sql`${t.state} = 'waiting' and ${t.wakeAt} is not null`),
    // The dashboard's panel: open waits per target, oldest first.
    index("waits_open_target_idx").on(t.target, t.createdAt).where(sql`${t.state} = 'waiting'`),
    index("waits_operation_idx").on(t.operationId, t.createdAt),
  ],
);
