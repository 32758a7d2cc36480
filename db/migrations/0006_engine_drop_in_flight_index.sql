-- Every engine commit updates the operation row (status, current step, updated_at); each
-- index on a changed column costs a write per commit. The orphan sweep (the only reader of
-- this index) finds in-flight operations through operations_status_type_idx instead, at a
-- cost paid every 15 seconds rather than on every step.
DROP INDEX IF EXISTS "operations_in_flight_idx";
