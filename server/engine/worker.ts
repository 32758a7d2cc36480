import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workers } from "@/db/schema";

/** How often a worker tells the database it is alive. */
const HEARTBEAT_INTERVAL_MS = 5_000;

export interface StartWorkerOptions {
  /** The pool this worker reads and writes through. */
  db: Db;
  /** One line per lifecycle event; silent when absent. */
  log?: (line: string) => void;
  /** Stable identity; defaults to `${hostname}:${pid}:${random}`, unique per process start. */
  workerId?: string;
}

export interface RunningWorker {
  id: string;
  /** Stops heartbeating and records `stopped_at`; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Placeholder worker loop: announces the process in `workers` and heartbeats every
 * five seconds, so the console can show who is alive. The engine replaces the body
 * (claiming and running steps) and keeps this signature.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { db } = options;
  const log = options.log ?? (() => {});
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

  await db
    .insert(workers)
    .values({ id, host: hostname(), pid: process.pid })
    .onConflictDoUpdate({
      target: workers.id,
      set: { host: hostname(), pid: process.pid, lastSeenAt: sql`now()`, stoppedAt: null },
    });
  log(`worker ${id} started`);

  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = db
      .update(workers)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(workers.id, id))
      .catch((error: unknown) => log(`worker ${id}: heartbeat failed: ${(error as Error).message}`));
  }, HEARTBEAT_INTERVAL_MS);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      await inFlight;
      await db.update(workers).set({ stoppedAt: sql`now()` }).where(eq(workers.id, id));
      log(`worker ${id} stopped`);
    })();
    return stopping;
  };

  return { id, stop };
}
