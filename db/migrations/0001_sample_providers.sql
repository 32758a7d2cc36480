CREATE TYPE "public"."sim_order_status" AS ENUM('open', 'cancelled', 'fulfilled');--> statement-breakpoint
CREATE TYPE "public"."sim_provider" AS ENUM('payments', 'warehouse', 'carrier', 'email', 'risk');--> statement-breakpoint
CREATE TYPE "public"."sim_review_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TABLE "sim_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"country" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sim_charges" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"customer_email" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'captured' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"refunded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sim_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'collected' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_effects" (
	"provider" "sim_provider" NOT NULL,
	"idempotency_key" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sim_effects_provider_idempotency_key_pk" PRIMARY KEY("provider","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "sim_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_faults" (
	"provider" "sim_provider" PRIMARY KEY NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"transient_error_rate" real DEFAULT 0 NOT NULL,
	"permanent_error_rate" real DEFAULT 0 NOT NULL,
	"lose_answer_rate" real DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sim_faults_rates" CHECK ("sim_faults"."transient_error_rate" between 0 and 1 and "sim_faults"."permanent_error_rate" between 0 and 1 and "sim_faults"."lose_answer_rate" between 0 and 1 and "sim_faults"."latency_ms" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sim_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_email" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"status" "sim_order_status" DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" text NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text DEFAULT 'reserved' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sim_reviews" (
	"operation_id" uuid PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"score" integer NOT NULL,
	"status" "sim_review_status" DEFAULT 'pending' NOT NULL,
	"reviewer" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sim_risk_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"score" integer NOT NULL,
	"level" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_shipments" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"tracking_number" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sim_shipments_tracking_number_unique" UNIQUE("tracking_number")
);
--> statement-breakpoint
CREATE TABLE "sim_stock" (
	"sku" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"on_hand" integer NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sim_stock_reserved" CHECK ("sim_stock"."reserved" >= 0 and "sim_stock"."reserved" <= "sim_stock"."on_hand")
);
--> statement-breakpoint
CREATE INDEX "sim_charges_order_idx" ON "sim_charges" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "sim_documents_account_idx" ON "sim_documents" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "sim_reservations_order_idx" ON "sim_reservations" USING btree ("order_id");--> statement-breakpoint
-- The engine's sweeper looks for expired leases every second: only leased rows are indexed,
-- and a worker releases its lease when it commits, so this index stays tiny.
CREATE INDEX "steps_lease_expiry_idx" ON "steps" USING btree ("lease_expires_at") WHERE "lease_owner" IS NOT NULL;--> statement-breakpoint
-- The orphan sweep finds in-flight operations with no progress for a while (e.g. a job lost to a
-- dead-lettered retry); terminal and blocked operations, the vast majority, stay out of it.
CREATE INDEX "operations_in_flight_idx" ON "operations" USING btree ("updated_at") WHERE "status" IN ('accepted', 'processing');--> statement-breakpoint
-- The simulated world's starting state: every provider without faults, and a catalog with stock.
INSERT INTO "sim_faults" ("provider") VALUES ('payments'), ('warehouse'), ('carrier'), ('email'), ('risk') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "sim_stock" ("sku", "title", "on_hand") VALUES
	('BOOK-42', 'The Answer, hardback', 1000000),
	('MUG-7', 'Enamel mug', 1000000),
	('TEE-M', 'T-shirt, size M', 1000000),
	('LAMP-3', 'Desk lamp', 1000000),
	('RARE-1', 'Signed first edition', 1)
ON CONFLICT DO NOTHING;
