CREATE TYPE "public"."block_kind" AS ENUM('awaiting_person', 'awaiting_external', 'precondition_failed', 'retries_exhausted', 'invalid_input');--> statement-breakpoint
CREATE TYPE "public"."event_type" AS ENUM('accepted', 'intake_replayed', 'intake_conflict', 'step_started', 'step_succeeded', 'attempt_failed', 'retry_scheduled', 'step_skipped', 'step_failed', 'blocked', 'resumed', 'compensation_started', 'step_compensated', 'cancelled', 'failed', 'completed');--> statement-breakpoint
CREATE TYPE "public"."operation_status" AS ENUM('accepted', 'processing', 'blocked', 'failed', 'completed');--> statement-breakpoint
CREATE TYPE "public"."step_status" AS ENUM('pending', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'compensated');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"operation_id" uuid NOT NULL,
	"type" "event_type" NOT NULL,
	"step" text,
	"actor" text NOT NULL,
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"status" "operation_status" DEFAULT 'accepted' NOT NULL,
	"input" jsonb NOT NULL,
	"subject" text,
	"reference" text,
	"submitted_by" text NOT NULL,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"result" jsonb,
	"error" jsonb,
	"blocked_kind" "block_kind",
	"blocked_reason" text,
	"action_required" text,
	"current_step" text,
	"trace_id" text NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"operation_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"status" "step_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"last_error" jsonb,
	"output" jsonb,
	"skip_reason" text,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "steps_operation_id_position_pk" PRIMARY KEY("operation_id","position")
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steps" ADD CONSTRAINT "steps_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_operation_idx" ON "events" USING btree ("operation_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "operations_idempotency_uq" ON "operations" USING btree ("submitted_by","idempotency_key") WHERE "operations"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "operations_status_type_idx" ON "operations" USING btree ("status","type","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "operations_type_idx" ON "operations" USING btree ("type","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "operations_subject_idx" ON "operations" USING btree ("subject","id" DESC NULLS LAST) WHERE "operations"."subject" is not null;--> statement-breakpoint
CREATE INDEX "operations_reference_idx" ON "operations" USING btree ("reference","id" DESC NULLS LAST) WHERE "operations"."reference" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "steps_operation_name_uq" ON "steps" USING btree ("operation_id","name");