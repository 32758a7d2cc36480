import { type Db as BossDb, type JobInsert, PgBoss, type Queue } from "pg-boss";
import postgres from "postgres";
import type { Db } from "@/db/client";
import type { SqlQueryable, Tx } from "@/db/transaction";

/**
 * pg-boss is the transport, never the truth: a job only says "look at this operation".
 * The operation and step rows decide what (if anything) runs, so a lost, late or
 * duplicated job can never lose or repeat business work.
 */
export const PGBOSS_SCHEMA = "pgboss";
/** One job per *run* of an operation: the worker executes consecutive steps in-process. */
export const RUN_QUEUE = "throughline_run";
/** Jobs that failed every pg-boss retry (a worker crashing on them again and again) land here. */
export const DEAD_QUEUE = "throughline_run_dead";

/**
 * Explicit per-queue settings; pg-boss's defaults recover a dead worker's job only after
 * minutes. Heartbeats (the minimum pg-boss allows, refreshed by the worker every few
 * seconds) hand a crashed worker's unclaimed jobs out again within ~15 s; claimed steps
 * are recovered sooner by the engine's own lease sweeper.
 */
export const RUN_QUEUE_OPTIONS = {
  notify: true,
  // Its own table: the run queue is by far the busiest and must not slow other queues.
  partition: true,
  heartbeatSeconds: 10,
  // The longest step timeout is 10 minutes; heartbeats, not expiry, detect dead workers.
  expireInSeconds: 3_600,
  retryLimit: 10,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 60,
  // A completed job is only a receipt; the timeline lives in `events`.
  deleteAfterSeconds: 15 * 60,
  deadLetter: DEAD_QUEUE,
} satisfies Omit<Queue, "name">;

const DEAD_QUEUE_OPTIONS = { retryLimit: 0, deleteAfterSeconds: 14 * 24 * 3_600 } satisfies Omit<
  Queue,
  "name"
>;

/** One job per bulk action to run (server/bulk/work.ts): a worker works through its targets. */
export const BULK_QUEUE = "throughline_bulk";

/**
 * A bulk job is retried when its bulk action is held by another runner (a crashed worker's
 * runner lease runs out after 30 s) or its worker stopped mid-way: many cheap retries, never
 * far apart. Heartbeats hand a crashed worker's job out again.
 */
export const BULK_QUEUE_OPTIONS = {
  notify: true,
  heartbeatSeconds: 10,
  // A bulk action touches at most 500 operations, one at a time.
  expireInSeconds: 3_600,
  retryLimit: 100,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 15,
  deleteAfterSeconds: 24 * 3_600,
} satisfies Omit<Queue, "name">;

/**
 * Installs (or upgrades) pg-boss's schema and creates the engine's queues. Idempotent and
 * safe to run from several processes at once; the launcher calls it after migrations.
 */
export async function ensureQueues(url: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: url,
    schema: PGBOSS_SCHEMA,
    max: 1,
    migrate: true,
    supervise: false,
    schedule: false,
    registerInstance: false,
    application_name: "throughline-migrate",
  });
  boss.on("error", () => {});
  await boss.start();
  try {
    for (const [name, options] of [
      [DEAD_QUEUE, DEAD_QUEUE_OPTIONS],
      [RUN_QUEUE, RUN_QUEUE_OPTIONS],
      [BULK_QUEUE, BULK_QUEUE_OPTIONS],
    ] as const) {
      if (await boss.getQueue(name)) {
        const { partition: _fixed, ...mutable } = options as typeof RUN_QUEUE_OPTIONS;
        await boss.updateQueue(name, mutable);
      } else {
        await boss.createQueue(name, options);
      }
    }
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
}

/** pg-boss's executor over the process's postgres.js pool (no second pool for producers). */
export function poolExecutor(db: Db): BossDb {
  return sqlExecutor(db.$client);
}

/**
 * pg-boss's executor over postgres.js (a pool or a transaction's `tx.sql`). Statements with
 * parameters are prepared: pg-boss's fetch and insert are planned once per connection, not per
 * call (intake's job insert: 2.5 ms less per intake transaction on the 2-core box, 7589b59).
 * A plain object parameter (a job's output on `fail`) is sent as JSON text, as node-postgres
 * does: postgres.js refuses an object, so every `fail` with output threw and the job was freed
 * only by its heartbeat timeout.
 */
export function sqlExecutor(sql: SqlQueryable): BossDb {
  return {
    async executeSql(text, values) {
      const params = (values ?? []).map((v: unknown) =>
        v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype
          ? JSON.stringify(v)
          : v,
      ) as never[];
      const rows = await sql.unsafe(text, params, { prepare: params.length > 0 });
      return { rows: [...rows] };
    },
  };
}

/**
 * A pg-boss instance that only writes jobs: no maintenance, no schema changes. pg-boss must be
 * started before `insert` (it reads queue settings into a cache), which needs the schema and
 * queues from `ensureQueues`; a missing schema is installed on first use so a fresh test
 * database works without the launcher.
 *
 * Its own statements (the start, the queue cache) run on `own`, a connection of its own when
 * the URL is known — never the pool: the first start happens inside the transactions that write
 * the first jobs, and with every pooled connection held by one of them a start that needs the
 * pool waits forever (a burst of pool-size callbacks on a fresh web deadlocked). Jobs themselves
 * are written through the caller's transaction.
 */
export async function startProducer(db: Db, url?: string, own: BossDb = poolExecutor(db)): Promise<PgBoss> {
  const boss = new PgBoss({
    db: own,
    schema: PGBOSS_SCHEMA,
    migrate: false,
    supervise: false,
    schedule: false,
    registerInstance: false,
  });
  boss.on("error", () => {});
  try {
    await boss.start();
    if (await boss.getQueue(RUN_QUEUE)) return boss;
    await boss.stop({ graceful: false, close: false });
  } catch (error) {
    if (!url) throw error;
  }
  if (!url) throw new Error(`pg-boss queue ${RUN_QUEUE} does not exist: run ensureQueues(url) first.`);
  await ensureQueues(url);
  return startProducer(db, undefined, own);
}

/**
 * Writes jobs in the caller's transaction through a pg-boss producer started on first use (or
 * by `start()`), so a job commits with the rows that need it and rolls back with them. Works in
 * a process that runs no workers (the web process): the producer only inserts jobs.
 */
export class JobProducer {
  private producer: Promise<PgBoss> | undefined;
  private ownSql: postgres.Sql | undefined;

  constructor(private readonly options: { db: Db; url?: string }) {}

  async insert(tx: Tx, queue: string, jobs: JobInsert[]): Promise<void> {
    if (jobs.length === 0) return;
    await insertJobs(await this.boss(), queue, sqlExecutor(tx.sql), jobs);
  }

  /** Starts the producer now rather than inside the first transaction that writes a job. */
  async start(): Promise<void> {
    await this.boss();
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((boss) => boss.stop({ graceful: false, close: false })).catch(() => {});
    const own = this.ownSql;
    this.ownSql = undefined;
    await own?.end({ timeout: 5 });
  }

  private boss(): Promise<PgBoss> {
    // A failed start (database down) is tried again by the next write, not kept.
    this.producer ??= startProducer(this.options.db, this.options.url, this.own()).catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  /** The producer's own connection (see startProducer); the pool only when no URL was given. */
  private own(): BossDb {
    if (!this.options.url) return poolExecutor(this.options.db);
    this.ownSql ??= postgres(this.options.url, {
      max: 1,
      idle_timeout: 30,
      onnotice: () => {},
      connection: { application_name: "throughline-job-producer" },
    });
    return sqlExecutor(this.ownSql);
  }
}

/** Jobs for any of the project's queues, written through `executor` (the caller's transaction, usually). */
export async function insertJobs(
  boss: PgBoss,
  queue: string,
  executor: BossDb,
  jobs: JobInsert[],
): Promise<void> {
  if (jobs.length === 0) return;
  await boss.insert(queue, jobs, { db: executor });
}
