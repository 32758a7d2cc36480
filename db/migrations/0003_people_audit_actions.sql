-- People and trust (issue 7): staff accounts, sessions, credentials, one-time values and
-- the sign-in rate limit in the shape better-auth's drizzle adapter expects; the audit
-- history (no foreign keys on purpose: it outlives the rows it talks about, and its
-- append-only trigger in 0004 would refuse a cascading delete anyway); paused workflow
-- types; bulk actions with their frozen target sets.
CREATE TYPE "public"."audit_action" AS ENUM('signed_in', 'signed_out', 'first_admin_created', 'user_created', 'role_changed', 'user_deactivated', 'user_reactivated', 'api_key_created', 'api_key_revoked', 'operation_retried', 'step_replayed', 'operation_resumed', 'review_approved', 'review_rejected', 'step_skipped', 'operation_compensated', 'operation_cancelled', 'workflow_paused', 'workflow_resumed', 'bulk_action_started', 'bulk_action_paused', 'bulk_action_resumed', 'bulk_action_aborted');--> statement-breakpoint
CREATE TYPE "public"."audit_actor_kind" AS ENUM('user', 'key', 'system');--> statement-breakpoint
CREATE TYPE "public"."bulk_action_kind" AS ENUM('retry', 'replay', 'resume', 'skip', 'cancel', 'compensate');--> statement-breakpoint
CREATE TYPE "public"."bulk_outcome" AS ENUM('pending', 'succeeded', 'already_done', 'refused', 'failed');--> statement-breakpoint
CREATE TYPE "public"."bulk_status" AS ENUM('dry_run', 'running', 'paused', 'aborted', 'completed');--> statement-breakpoint
CREATE TYPE "public"."pause_intake_mode" AS ENUM('queue', 'reject');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('support', 'operator', 'admin');--> statement-breakpoint
CREATE TABLE "audit_records" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_kind" "audit_actor_kind" NOT NULL,
	"actor_id" text NOT NULL,
	"actor_label" text NOT NULL,
	"actor_role" text NOT NULL,
	"action" "audit_action" NOT NULL,
	"operation_id" uuid,
	"step" text,
	"workflow_type" text,
	"bulk_action_id" uuid,
	"reason" text,
	"status_before" "operation_status",
	"status_after" "operation_status",
	"details" jsonb,
	"request_id" text,
	"client_address" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_records_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "bulk_action_targets" (
	"bulk_action_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"operation_id" uuid NOT NULL,
	"outcome" "bulk_outcome" DEFAULT 'pending' NOT NULL,
	"message" text,
	"finished_at" timestamp with time zone,
	CONSTRAINT "bulk_action_targets_bulk_action_id_position_pk" PRIMARY KEY("bulk_action_id","position")
);
--> statement-breakpoint
CREATE TABLE "bulk_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"action" "bulk_action_kind" NOT NULL,
	"step" text,
	"output" jsonb,
	"filter" jsonb NOT NULL,
	"reason" text NOT NULL,
	"status" "bulk_status" DEFAULT 'dry_run' NOT NULL,
	"target_count" integer NOT NULL,
	"canary_size" integer NOT NULL,
	"canary_passed" boolean DEFAULT false NOT NULL,
	"note" text,
	"created_by_id" text NOT NULL,
	"created_by_label" text NOT NULL,
	"runner_id" text,
	"runner_lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_pauses" (
	"workflow_type" text PRIMARY KEY NOT NULL,
	"intake" "pause_intake_mode" NOT NULL,
	"reason" text NOT NULL,
	"paused_by" text NOT NULL,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth_rate_limits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"count" integer NOT NULL,
	"last_request" bigint NOT NULL,
	CONSTRAINT "auth_rate_limits_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "auth_verifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"identifier" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"access_token" text,
	"refresh_token" text,
	"id_token" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"scope" text,
	"password" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_sessions_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"image" text,
	"role" "staff_role" DEFAULT 'support' NOT NULL,
	"deactivated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "bulk_action_targets" ADD CONSTRAINT "bulk_action_targets_bulk_action_id_bulk_actions_id_fk" FOREIGN KEY ("bulk_action_id") REFERENCES "public"."bulk_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_accounts" ADD CONSTRAINT "staff_accounts_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_records_operation_idx" ON "audit_records" USING btree ("operation_id","seq") WHERE "audit_records"."operation_id" is not null;--> statement-breakpoint
CREATE INDEX "audit_records_action_idx" ON "audit_records" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "audit_records_actor_idx" ON "audit_records" USING btree ("actor_label","seq");--> statement-breakpoint
CREATE INDEX "audit_records_workflow_idx" ON "audit_records" USING btree ("workflow_type","seq") WHERE "audit_records"."workflow_type" is not null;--> statement-breakpoint
CREATE INDEX "audit_records_at_idx" ON "audit_records" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "bulk_action_targets_operation_uq" ON "bulk_action_targets" USING btree ("bulk_action_id","operation_id");--> statement-breakpoint
CREATE INDEX "bulk_actions_running_idx" ON "bulk_actions" USING btree ("status") WHERE "bulk_actions"."status" = 'running';--> statement-breakpoint
CREATE INDEX "auth_rate_limits_last_request_idx" ON "auth_rate_limits" USING btree ("last_request");--> statement-breakpoint
CREATE INDEX "auth_verifications_identifier_idx" ON "auth_verifications" USING btree ("identifier");--> statement-breakpoint
CREATE INDEX "staff_accounts_user_idx" ON "staff_accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "staff_sessions_user_idx" ON "staff_sessions" USING btree ("user_id");