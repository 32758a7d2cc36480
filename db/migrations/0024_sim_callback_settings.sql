-- The simulated carrier's pickup callback (issue 12): how it answers, set from the sandbox page (late, failing, duplicated, never).
CREATE TABLE "sim_callback_settings" (
	"provider" "sim_provider" PRIMARY KEY NOT NULL,
	"mode" text DEFAULT 'confirm' NOT NULL,
	"delay_ms" integer DEFAULT 300 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sim_callback_settings_valid" CHECK ("sim_callback_settings"."delay_ms" between 0 and 86400000 and "sim_callback_settings"."mode" in ('confirm', 'duplicate', 'fail', 'never'))
);
