-- operations_metrics_idx (0030) was also taken by the stuck-work reads (StuckPresenter, the stuck
-- alert: `status = … and type = … and id < floor and not synthetic limit …`): its
-- `WHERE NOT synthetic` is implied by their filter, and with a skip scan over (type, version) the
-- planner found it as cheap as operations_status_type_idx at 1,000,000 seeded operations. It is not:
-- there `id < floor` is only a filter, so a burst of fresh in-flight operations (none stuck yet) would
-- be read row by row from the heap on every dashboard load and alert tick, where
-- operations_status_type_idx starts at the floor. The predicate now also says `version > 0` (true of
-- every operation: versions start at 1), which only the metrics reads state
-- (BusinessMetricsPresenter), so no other query can be planned on this index. Same columns, same
-- plans for the metrics reads (Parallel Index Only Scan; Index Only Scan on status = 'completed').
DROP INDEX "operations_metrics_idx";--> statement-breakpoint
CREATE INDEX "operations_metrics_idx" ON "operations" USING btree ("type", "version", "status", "blocked_kind")
  INCLUDE ("created_at", "completed_at") WHERE NOT "synthetic" AND "version" > 0;
