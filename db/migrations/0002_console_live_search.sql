-- Live updates and console search (issue 6). Hand-written: drizzle's schema cannot express
-- an xid8 default, a statement-level trigger, expression or trigram indexes.

-- 1. Commit-order-safe change feed.
-- `events.id` is taken from a sequence at insert, not at commit: a slow transaction can
-- commit id 10 after a fast one committed id 11, so a reader asking only `id > cursor`
-- would skip 10 for ever. Each event therefore records the transaction that wrote it;
-- the live feed's cursor is a snapshot (pg_current_snapshot()) and a read returns the events
-- whose transaction was not yet visible in that snapshot (xid >= its xmax, or one of its
-- in-progress xids). Both arms are index range/equality lookups on events_xid_idx.
ALTER TABLE "events" ADD COLUMN "xid" xid8 DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "events_xid_idx" ON "events" USING btree ("xid");--> statement-breakpoint

-- One notification per statement that inserts events, not per row (intake and the engine
-- insert several at once), with an empty payload: identical notifications in one
-- transaction are folded into one, and each listener re-reads from its own cursor anyway.
CREATE FUNCTION "throughline_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('throughline_events', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "events_notify" AFTER INSERT ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "throughline_events_notify"();--> statement-breakpoint

-- 2. Support search at 1,000,000 operations.
-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- Lookup by idempotency key alone (the unique index leads with the caller).
CREATE INDEX "operations_idempotency_key_idx" ON "operations" USING btree ("idempotency_key")
  WHERE "idempotency_key" IS NOT NULL;--> statement-breakpoint
-- Customer emails are typed in any case.
CREATE INDEX "operations_subject_lower_idx" ON "operations" USING btree (lower("subject"))
  WHERE "subject" IS NOT NULL;--> statement-breakpoint
-- Error text, by substring: failures and block reasons on the operation...
CREATE INDEX "operations_error_trgm_idx" ON "operations"
  USING gin ((coalesce("error"->>'message', '') || ' ' || coalesce("blocked_reason", '')) gin_trgm_ops)
  WHERE "error" IS NOT NULL OR "blocked_reason" IS NOT NULL;--> statement-breakpoint
-- ...and the last error of a step still retrying. Only rows with an error are indexed.
CREATE INDEX "steps_error_trgm_idx" ON "steps" USING gin (("last_error"->>'message') gin_trgm_ops)
  WHERE "last_error" IS NOT NULL;--> statement-breakpoint
-- The rare synthetic operations, newest first, without scanning the real ones.
CREATE INDEX "operations_synthetic_idx" ON "operations" USING btree ("id" DESC) WHERE "synthetic";--> statement-breakpoint

-- 3. Dashboard read models.
-- Finished operations by completion time, covering lag (completed_at - created_at), terminal
-- counts and throughput windows with an index-only scan. Set once, so no update churn.
CREATE INDEX "operations_completed_idx" ON "operations" USING btree ("completed_at")
  INCLUDE ("type", "version", "status", "created_at") WHERE "completed_at" IS NOT NULL;--> statement-breakpoint
-- The operator inbox: blocked operations by kind, oldest first. Only blocked rows are indexed.
CREATE INDEX "operations_blocked_idx" ON "operations" USING btree ("blocked_kind", "updated_at")
  INCLUDE ("type") WHERE "status" = 'blocked';
