CREATE TABLE "audit_checkpoints" (
	"n" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"record_count" bigint NOT NULL,
	"head_seq" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"prev_signature" text NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	"writer" text NOT NULL,
	CONSTRAINT "audit_checkpoints_signature_unique" UNIQUE("signature")
);
--> statement-breakpoint
ALTER TABLE "audit_records" ADD COLUMN "hash_format" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_records" ADD COLUMN "mac" text;--> statement-breakpoint
-- Checkpoints are append-only like the records they sign: a signed head that could be
-- quietly replaced would anchor nothing. (A superuser can disable these triggers; the copy
-- of every checkpoint in the checkpoint file and the worker's log is what still tells.)
CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Checkpoints are never changed or removed; the next one is written after them.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
