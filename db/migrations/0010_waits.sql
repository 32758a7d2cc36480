-- Durable waits (issue 12): one row per wait of a step; no worker, lease or job is held while it is open.
-- Every index but the last is partial on the one open state, so finished waits cost the hot scans nothing:
-- the unique one makes "open the wait" idempotent for a redelivered effect; the deadline, heartbeat and
-- wake indexes feed the expiry companion (waitsWork); the target index feeds the dashboard panel.
CREATE TYPE "public"."wait_kind" AS ENUM('acknowledgment', 'timer', 'end_user_action');--> statement-breakpoint
CREATE TYPE "public"."wait_outcome" AS ENUM('succeeded', 'transient', 'permanent', 'needs_person');--> statement-breakpoint
CREATE TYPE "public"."wait_state" AS ENUM('waiting', 'completed', 'expired', 'cancelled');--> statement-breakpoint
CREATE TABLE "waits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" uuid NOT NULL,
	"step" text NOT NULL,
	"kind" "wait_kind" NOT NULL,
	"state" "wait_state" DEFAULT 'waiting' NOT NULL,
	"target" text NOT NULL,
	"deadline_at" timestamp with time zone,
	"heartbeat_ms" integer,
	"heartbeat_deadline_at" timestamp with time zone,
	"last_heartbeat_at" timestamp with time zone,
	"wake_at" timestamp with time zone,
	"outcome" "wait_outcome",
	"payload" jsonb,
	"payload_hash" text,
	"completed_by" text,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "waits" ADD CONSTRAINT "waits_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "waits_open_step_uq" ON "waits" USING btree ("operation_id","step") WHERE "waits"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX "waits_open_deadline_idx" ON "waits" USING btree ("deadline_at") WHERE "waits"."state" = 'waiting' and "waits"."deadline_at" is not null;--> statement-breakpoint
CREATE INDEX "waits_open_heartbeat_idx" ON "waits" USING btree ("heartbeat_deadline_at") WHERE "waits"."state" = 'waiting' and "waits"."heartbeat_deadline_at" is not null;--> statement-breakpoint
CREATE INDEX "waits_open_wake_idx" ON "waits" USING btree ("wake_at") WHERE "waits"."state" = 'waiting' and "waits"."wake_at" is not null;--> statement-breakpoint
CREATE INDEX "waits_open_target_idx" ON "waits" USING btree ("target","created_at") WHERE "waits"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX "waits_operation_idx" ON "waits" USING btree ("operation_id","created_at");