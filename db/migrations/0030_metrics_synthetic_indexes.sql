-- 1. GET /api/metrics at 1,000,000 operations (issue 11). The business read grouped every real
-- operation by (type, version, status, blocked kind) and built the completion histogram from a
-- second pass over the completed ones, both as sequential scans of the table: ~4 s cold, ~1–2.5 s
-- warm on the 2-core development box (under load), every scrape past the 5 s cache. This index
-- holds exactly what both passes read, a fifth of the table's size, so:
--   operations groups: Parallel Index Only Scan → Partial GroupAggregate (presorted: no sort, no hash)
--   completion histogram: Index Only Scan on status = 'completed' within each (type, version)
-- Synthetic operations are left out of the index as they are out of the series.
CREATE INDEX "operations_metrics_idx" ON "operations" USING btree ("type", "version", "status", "blocked_kind")
  INCLUDE ("created_at", "completed_at") WHERE NOT "synthetic";--> statement-breakpoint
-- 2. The overview's in-flight counts leave synthetic operations out without losing their
-- index-only scan of operations_status_type_idx: they count every in-flight operation there and
-- subtract the synthetic ones in flight, read from this index (a handful of rows: one probe per
-- type at a time) — rather than filtering on `synthetic`, which would read every in-flight row.
CREATE INDEX "operations_synthetic_in_flight_idx" ON "operations" USING btree ("type", "status")
  WHERE "synthetic" AND "status" IN ('accepted', 'processing', 'blocked');
