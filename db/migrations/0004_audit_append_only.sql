-- The audit history is append-only, enforced by the database itself rather than by
-- application code: any UPDATE or DELETE of a row and any TRUNCATE of the table fails,
-- whoever asks. (A superuser can still disable the triggers; the SHA-256 chain in each
-- row is what makes such tampering detectable: `npm run audit:verify`.)
CREATE FUNCTION audit_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_records is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit records are never changed or removed; write a new record instead.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_records_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
--> statement-breakpoint
-- Row triggers do not fire on TRUNCATE; a statement trigger does.
CREATE TRIGGER audit_records_no_truncate
  BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
