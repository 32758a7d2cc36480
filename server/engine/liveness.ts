import postgres from "postgres";

/** How often the lock's connection is checked (a reconnect must take the lock again). */
const RECHECK_MS = 2_000;

export interface LivenessLock {
  /** The advisory lock's key, registered in the worker's `workers` row; undefined when another session holds it. */
  key: string | undefined;
  close(): Promise<void>;
}

/**
 * A session-level advisory lock held on a connection of the worker's own for as long as the
 * process lives. PostgreSQL ends a dead process's sessions as soon as its sockets close, which
 * frees the lock: the sweepers of other workers see that within a poll (sweeper.ts
 * `sweepDeadOwners`) instead of waiting for every lease to expire. A stalled process keeps its
 * socket, so its lock and its leases stay until they really expire.
 *
 * No write per step: the lock is taken once; every few seconds one read checks that the
 * session is still the one holding it (after a reconnect it takes the lock again).
 */
export async function holdLivenessLock(options: {
  url: string;
  id: string;
  log: (line: string) => void;
}): Promise<LivenessLock> {
  const { id, log } = options;
  // One connection that is never recycled: closing it would tell everyone this worker died.
  const sql = postgres(options.url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    onnotice: () => {},
    connection: { application_name: "throughline-worker-liveness" },
  });
  const [row] = await sql<{ key: string; pid: number }[]>`
    select hashtextextended(${id}, 0)::text as key, pg_backend_pid() as pid`;
  if (!row) throw new Error("no liveness key");
  // Try, never wait: a live process started under the same id holds it (tests that fix ids).
  // Without the lock this worker is registered without one, and only lease expiry covers it.
  const [held] = await sql<{ ok: boolean }[]>`select pg_try_advisory_lock(${row.key}::bigint) as ok`;
  const key = held?.ok ? row.key : undefined;
  if (!key) log(`worker ${id}: liveness lock held by another session; recovery falls back to lease expiry`);
  let pid = row.pid;

  let checking: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    checking = (async () => {
      const [now] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      if (!key || !now || now.pid === pid) return;
      // A new session: the old one's lock went with it, and a sweeper may have taken our leases
      // (the lease keeper notices). Hold the lock again and say we are alive.
      const [again] = await sql<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as ok`;
      if (!again?.ok) return; // a sweeper holds it this instant; next check
      await sql`update workers set stopped_at = null where id = ${id}`;
      pid = now.pid;
      log(`worker ${id}: liveness connection was lost; lock taken again`);
    })().catch((error: Error) => log(`worker ${id}: liveness check failed: ${error.message}`));
  }, RECHECK_MS);
  timer.unref();

  return {
    key,
    async close() {
      clearInterval(timer);
      await checking;
      await sql.end({ timeout: 5 });
    },
  };
}
