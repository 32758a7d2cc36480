CREATE TYPE "public"."alert_history_kind" AS ENUM('fired', 'acknowledged', 'silenced', 'resolved', 'updated');--> statement-breakpoint
CREATE TYPE "public"."alert_rule" AS ENUM('stuck', 'retries_exhausted', 'completion_lag', 'blocked_backlog', 'failure_rate', 'no_workers', 'synthetic_check');--> statement-breakpoint
CREATE TYPE "public"."alert_state" AS ENUM('firing', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."synthetic_outcome" AS ENUM('passed', 'slow', 'failed');--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'alert_acknowledged';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'alert_silenced';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'alert_rule_changed';--> statement-breakpoint
CREATE TABLE "alert_evaluations" (
	"tick" text PRIMARY KEY NOT NULL,
	"evaluator" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"fired" integer NOT NULL,
	"resolved" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"kind" "alert_history_kind" NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rule_overrides" (
	"rule" "alert_rule" NOT NULL,
	"workflow_type" text NOT NULL,
	"threshold" integer,
	"window_ms" integer,
	"reason" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rule_overrides_rule_workflow_type_pk" PRIMARY KEY("rule","workflow_type")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule" "alert_rule" NOT NULL,
	"workflow_type" text NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"state" "alert_state" DEFAULT 'firing' NOT NULL,
	"summary" text NOT NULL,
	"affected_count" integer DEFAULT 0 NOT NULL,
	"oldest_at" timestamp with time zone,
	"sample" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledge_note" text,
	"silenced_until" timestamp with time zone,
	"silenced_by" text,
	"silence_reason" text,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "synthetic_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workflow_type" text NOT NULL,
	"operation_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"accepted_ms" integer,
	"completed_ms" integer,
	"visible_ms" integer,
	"outcome" "synthetic_outcome",
	"error" text,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "alert_history" ADD CONSTRAINT "alert_history_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_history_alert_idx" ON "alert_history" USING btree ("alert_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_key_uq" ON "alerts" USING btree ("rule","workflow_type","scope") WHERE "alerts"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "alerts_fired_idx" ON "alerts" USING btree ("fired_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "synthetic_runs_in_flight_uq" ON "synthetic_runs" USING btree ("workflow_type") WHERE "synthetic_runs"."finished_at" is null;--> statement-breakpoint
CREATE INDEX "synthetic_runs_type_idx" ON "synthetic_runs" USING btree ("workflow_type","started_at" DESC NULLS LAST);--> statement-breakpoint
-- Hand-added for the alert evaluator (server/alerts/): completion lag and failure rate read
-- the operations finished in a window per type; without this they scan every operation.
-- Synthetic operations are left out of the index as they are left out of those rules.
CREATE INDEX "operations_type_completed_idx" ON "operations" USING btree ("type","completed_at") WHERE "completed_at" IS NOT NULL AND NOT "synthetic";
