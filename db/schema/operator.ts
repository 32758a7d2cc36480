import { sql } from "drizzle-orm";
import {
  boolean,
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
import { BULK_ACTION_KINDS, BULK_OUTCOMES, BULK_STATUSES } from "@/server/domain/bulk";
import { PAUSE_INTAKE_MODES } from "@/server/domain/pauses";

export const pauseIntakeMode = pgEnum("pause_intake_mode", PAUSE_INTAKE_MODES);
export const bulkActionKind = pgEnum("bulk_action_kind", BULK_ACTION_KINDS);
export const bulkStatus = pgEnum("bulk_status", BULK_STATUSES);
export const bulkOutcome = pgEnum("bulk_outcome", BULK_OUTCOMES);

/** A paused workflow type: no new steps start; intake queues or refuses as `intake` says. */
export const workflowPauses = pgTable("workflow_pauses", {
  workflowType: text("workflow_type").primaryKey(),
  intake: pauseIntakeMode("intake").notNull(),
  reason: text("reason").notNull(),
  pausedBy: text("paused_by").notNull(),
  pausedAt: timestamp("paused_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One bulk action: the filter a person searched with, the target set its dry run froze
 * (bulk_action_targets), and its progress. A runner holds `runner_lease_until` while it
 * works, so two web processes never run the same bulk action at once.
 */
export const bulkActions = pgTable(
  "bulk_actions",
  {
    id: uuid("id").primaryKey(),
    action: bulkActionKind("action").notNull(),
    /** For replay and skip: the step acted on. */
    step: text("step"),
    /** For skip: the output recorded for the step. */
    output: jsonb("output"),
    filter: jsonb("filter").notNull(),
    reason: text("reason").notNull(),
    status: bulkStatus("status").notNull().default("dry_run"),
    targetCount: integer("target_count").notNull(),
    canarySize: integer("canary_size").notNull(),
    canaryPassed: boolean("canary_passed").notNull().default(false),
    /** Why it stopped by itself (a failed canary), for the person who resumes it. */
    note: text("note"),
    createdById: text("created_by_id").notNull(),
    createdByLabel: text("created_by_label").notNull(),
    runnerId: text("runner_id"),
    runnerLeaseUntil: timestamp("runner_lease_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("bulk_actions_running_idx").on(t.status).where(sql`${t.status} = 'running'`)],
);

export const bulkActionTargets = pgTable(
  "bulk_action_targets",
  {
    bulkActionId: uuid("bulk_action_id")
      .notNull()
      .references(() => bulkActions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    operationId: uuid("operation_id").notNull(),
    outcome: bulkOutcome("outcome").notNull().default("pending"),
    message: text("message"),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.bulkActionId, t.position] }),
    uniqueIndex("bulk_action_targets_operation_uq").on(t.bulkActionId, t.operationId),
  ],
);
