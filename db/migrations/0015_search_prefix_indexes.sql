-- Support search by the start of a reference or customer email, in any case (issue 13).
-- Hand-written: drizzle cannot express an operator class on an expression. text_pattern_ops
-- compares bytes, so a prefix is a range of the index ([p, p || U+10FFFF)) that a generic plan
-- with a bound parameter can still use (server/presenters/search/search-sql.ts); it serves
-- equality as well, so it replaces the plain lower(subject) index of migration 0002.
CREATE INDEX "operations_subject_lower_prefix_idx" ON "operations" USING btree (lower("subject") text_pattern_ops)
  WHERE "subject" IS NOT NULL;--> statement-breakpoint
DROP INDEX IF EXISTS "operations_subject_lower_idx";--> statement-breakpoint
CREATE INDEX "operations_reference_lower_prefix_idx" ON "operations" USING btree (lower("reference") text_pattern_ops)
  WHERE "reference" IS NOT NULL;
