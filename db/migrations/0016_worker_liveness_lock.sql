-- A worker holds this advisory lock on its own connection while it lives (server/engine/liveness.ts):
-- the sweeper takes a dead worker's leases as soon as the lock is free, not after they expire.
ALTER TABLE "workers" ADD COLUMN "liveness_lock" bigint;