CREATE TABLE "sim_owed_callbacks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"url" text NOT NULL,
	"bodies" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sim_owed_callbacks_due_idx" ON "sim_owed_callbacks" USING btree ("due_at") WHERE "sim_owed_callbacks"."done_at" is null;