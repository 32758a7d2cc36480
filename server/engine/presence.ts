import { hostname } from "node:os";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workers } from "@/db/schema";

/** How often a worker tells the database it is alive. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * The worker's row in `workers`: announced at start, refreshed every few seconds so the
 * console can show who is alive, and stamped `stopped_at` on a clean stop.
 */
export async function announceWorker(options: {
  db: Db;
  id: string;
  log: (line: string) => void;
  intervalMs?: number;
  /** The key of the advisory lock this process holds while it lives (liveness.ts). */
  livenessLock?: string;
}): Promise<{ stop(): Promise<void> }> {
  const { db, id, log } = options;
  const livenessLock = options.livenessLock === undefined ? null : BigInt(options.livenessLock);
  await db
    .insert(workers)
    .values({ id, host: hostname(), pid: process.pid, livenessLock })
    .onConflictDoUpdate({
      target: workers.id,
      set: { host: hostname(), pid: process.pid, lastSeenAt: sql`now()`, stoppedAt: null, livenessLock },
    });

  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = db
      .update(workers)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(workers.id, id))
      .catch((error: unknown) => log(`worker ${id}: heartbeat failed: ${(error as Error).message}`));
  }, options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      await db.update(workers).set({ stoppedAt: sql`now()` }).where(eq(workers.id, id));
    },
  };
}
