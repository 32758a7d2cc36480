import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ALERT_HISTORY_KINDS, ALERT_RULES, ALERT_STATES, SYNTHETIC_OUTCOMES } from "@/server/domain/alerts";

export const alertRule = pgEnum("alert_rule", ALERT_RULES);
export const alertState = pgEnum("alert_state", ALERT_STATES);
export const alertHistoryKind = pgEnum("alert_history_kind", ALERT_HISTORY_KINDS);
export const syntheticOutcome = pgEnum("synthetic_outcome", SYNTHETIC_OUTCOMES);

/**
 * One alert: a rule that held for a (rule, workflow type, scope) from `fired_at` until
 * `resolved_at`. `scope` is the block kind for blocked_backlog and '' otherwise, so the key
 * has no nulls and the unique partial index makes "one open alert per key" a constraint.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey(),
    rule: alertRule("rule").notNull(),
    workflowType: text("workflow_type").notNull(),
    scope: text("scope").notNull().default(""),
    state: alertState("state").notNull().default("firing"),
    /** One sentence: what holds, against which threshold. */
    summary: text("summary").notNull(),
    affectedCount: integer("affected_count").notNull().default(0),
    oldestAt: timestamp("oldest_at", { withTimezone: true }),
    /** The ids of the oldest affected operations (at most 10), as of the last evaluation. */
    sample: jsonb("sample").$type<string[]>().notNull().default([]),
    firedAt: timestamp("fired_at", { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: text("acknowledged_by"),
    acknowledgeNote: text("acknowledge_note"),
    silencedUntil: timestamp("silenced_until", { withTimezone: true }),
    silencedBy: text("silenced_by"),
    silenceReason: text("silence_reason"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("alerts_open_key_uq").on(t.rule, t.workflowType, t.scope).where(sql`${t.resolvedAt} is null`),
    index("alerts_fired_idx").on(t.firedAt.desc()),
  ],
);

/** Every state change of an alert, append-only. */
export const alertHistory = pgTable(
  "alert_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    alertId: uuid("alert_id")
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    kind: alertHistoryKind("kind").notNull(),
    actor: text("actor").notNull(),
    note: text("note"),
    data: jsonb("data"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alert_history_alert_idx").on(t.alertId, t.id)],
);

/** An admin's threshold for one (rule, workflow type), replacing the definition's default. */
export const alertRuleOverrides = pgTable(
  "alert_rule_overrides",
  {
    rule: alertRule("rule").notNull(),
    workflowType: text("workflow_type").notNull(),
    /** null: the rule is off for this type. */
    threshold: integer("threshold"),
    /** Only blocked_backlog and failure_rate use a second figure (count / window). */
    windowMs: integer("window_ms"),
    reason: text("reason").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.rule, t.workflowType] })],
);

/** One evaluation per tick across every process: the tick's row is the proof it ran. */
export const alertEvaluations = pgTable("alert_evaluations", {
  tick: text("tick").primaryKey(),
  evaluator: text("evaluator").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  durationMs: integer("duration_ms").notNull(),
  fired: integer("fired").notNull(),
  resolved: integer("resolved").notNull(),
});

/** One synthetic check run through the public HTTP path. */
export const syntheticRuns = pgTable(
  "synthetic_runs",
  {
    id: uuid("id").primaryKey(),
    workflowType: text("workflow_type").notNull(),
    operationId: uuid("operation_id"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    acceptedMs: integer("accepted_ms"),
    completedMs: integer("completed_ms"),
    visibleMs: integer("visible_ms"),
    outcome: syntheticOutcome("outcome"),
    error: text("error"),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    // No pile-up: at most one unfinished run per type, a constraint rather than a check.
    uniqueIndex("synthetic_runs_in_flight_uq").on(t.workflowType).where(sql`${t.finishedAt} is null`),
    index("synthetic_runs_type_idx").on(t.workflowType, t.startedAt.desc()),
  ],
);
