import { randomUUID } from "node:crypto";
import type { Db as BossDb, Job, JobAttempt, PgBoss } from "pg-boss";
import type { Sql } from "postgres";
import type { EngineHooks, RunResult } from "./engine";
import { PGBOSS_SCHEMA, RUN_QUEUE } from "./queue";
import type { RunJobData } from "./run-queue";

export interface JobLoopOptions {
  boss: PgBoss;
  /** The executor fetches and completions go through (prepared statements on the worker's pool). */
  executor: BossDb;
  /** Pool whose dedicated LISTEN connection receives pg-boss's wake-ups. */
  sql: Sql;
  /** Most runs in flight in this process; fetches only ask for free slots. */
  concurrency: number;
  /** Most jobs per fetch. */
  fetchBatch: number;
  /** Backstop poll (delayed jobs written by other workers do not notify). */
  pollMs: number;
  /** How often the jobs in hand are touched, so pg-boss knows this worker is alive. */
  touchMs: number;
  run(operationId: string, data: RunJobData): Promise<RunResult>;
  hooks: EngineHooks;
  log(line: string): void;
}

/**
 * Takes run jobs from pg-boss and runs them, many at a time. Wake-ups come from the
 * NOTIFY pg-boss sends when a job is written (so latency is a round trip, not a poll);
 * fetches ask only for free slots; completions are written in batches (while one batch is
 * being written the next accumulates); jobs in hand are touched so pg-boss hands out a
 * dead worker's jobs again. A job is only a hint: its run decides from the rows.
 */
export class JobLoop {
  private readonly inFlight = new Map<string, Job<RunJobData>>();
  private readonly operations = new Set<string>();
  private completions: JobAttempt[] = [];
  private flushing: Promise<void> | null = null;
  private stopping = false;
  private pendingWake = false;
  private wakeUp: (() => void) | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private unlisten: (() => Promise<void>) | null = null;
  private touchTimer: NodeJS.Timeout | undefined;
  private readonly runs = new Set<Promise<void>>();

  constructor(private readonly options: JobLoopOptions) {}

  async start(): Promise<void> {
    const { sql } = this.options;
    const [row] = await sql<{ channel: string }[]>`
      select 'pgboss_' || left(encode(sha224(${PGBOSS_SCHEMA}::bytea), 'hex'), 24) as channel`;
    // Same channel pg-boss derives for its own listener (plans.notifyChannelSql); the payload is the queue.
    const listener = await sql.listen(row!.channel, (payload) => {
      if (payload === RUN_QUEUE) this.wake();
    });
    this.unlisten = listener.unlisten;
    this.touchTimer = setInterval(() => void this.touch(), this.options.touchMs);
    this.touchTimer.unref();
    this.loopDone = this.loop();
  }

  /** Wakes the fetch loop now (a notification, a freed slot, a retry that is due). */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Wakes the loop at `at`, for a retry this worker scheduled. */
  wakeAt(at: Date): void {
    const timer = setTimeout(() => this.wake(), Math.max(0, at.getTime() - Date.now()) + 5);
    timer.unref();
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Stops fetching. Runs in flight go on; `drain` waits for them. */
  async stopFetching(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    await this.unlisten?.().catch(() => {});
  }

  /** Waits up to `timeoutMs` for the runs in flight, then writes the last completions. */
  async drain(timeoutMs: number): Promise<boolean> {
    const all = Promise.all([...this.runs]).then(() => true);
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    const finished = await Promise.race([all, timer]);
    clearInterval(this.touchTimer);
    await this.flush();
    return finished;
  }

  private async loop(): Promise<void> {
    const { boss, concurrency, fetchBatch, pollMs, log } = this.options;
    while (!this.stopping) {
      const free = concurrency - this.inFlight.size;
      if (free <= 0) {
        await this.sleep(pollMs);
        continue;
      }
      // A notification from now on must trigger another fetch after this one.
      this.pendingWake = false;
      const asked = Math.min(free, fetchBatch);
      let jobs: Job<RunJobData>[] = [];
      try {
        jobs = await boss.fetch<RunJobData>(RUN_QUEUE, { batchSize: asked, db: this.options.executor });
      } catch (error) {
        log(`fetch failed: ${(error as Error).message}`);
        await this.sleep(pollMs);
        continue;
      }
      for (const job of jobs) this.begin(job);
      if (jobs.length < asked) await this.sleep(pollMs);
    }
  }

  /** Waits `ms`, or less when woken; a wake-up that came in meanwhile is consumed at once. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        finish();
      };
    });
  }

  private begin(job: Job<RunJobData>): void {
    const { operationId } = job.data;
    const full = () => this.inFlight.size >= this.options.concurrency;
    this.inFlight.set(job.id, job);
    // A second job for an operation this process is already running has nothing to add.
    const duplicate = this.operations.has(operationId);
    if (!duplicate) this.operations.add(operationId);
    const run = (async () => {
      try {
        const result = duplicate ? "busy" : await this.options.run(operationId, job.data);
        if (result === "unknown_version") {
          // Another build may know this version: let pg-boss hand the job out again later.
          await this.options.boss.fail(
            RUN_QUEUE,
            { id: job.id, retryCount: job.retryCount },
            { result },
            { db: this.options.executor },
          );
          return;
        }
        await this.options.hooks.beforeJobComplete?.({ operationId, result });
        this.completions.push({ id: job.id, retryCount: job.retryCount });
        void this.flush();
      } catch (error) {
        // The job row keeps only an incident id: an engine error's text can quote SQL with an
        // operation's input (emails); the text goes to the worker's log under that id.
        const incidentId = randomUUID();
        this.options.log(
          `run of ${operationId} failed (incident ${incidentId}): ${(error as Error).message}`,
        );
        await this.options.boss
          .fail(
            RUN_QUEUE,
            { id: job.id, retryCount: job.retryCount },
            { incidentId },
            { db: this.options.executor },
          )
          .catch(() => {});
      } finally {
        const wasFull = full();
        this.inFlight.delete(job.id);
        if (!duplicate) this.operations.delete(operationId);
        if (wasFull) this.wake();
      }
    })();
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
  }

  /** Writes the completions gathered so far; while one write runs, the next batch gathers. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.completions.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      while (this.completions.length > 0) {
        const batch = this.completions;
        this.completions = [];
        try {
          await this.options.boss.complete(RUN_QUEUE, batch, null, { db: this.options.executor });
        } catch (error) {
          // Left active, the jobs come back after the heartbeat timeout; their runs find nothing to do.
          this.options.log(`could not complete ${batch.length} job(s): ${(error as Error).message}`);
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async touch(): Promise<void> {
    const held = [...this.inFlight.values()].map((j) => ({ id: j.id, retryCount: j.retryCount }));
    if (held.length === 0) return;
    await this.options.boss.touch(RUN_QUEUE, held, { db: this.options.executor }).catch((error: Error) => {
      this.options.log(`could not touch ${held.length} job(s): ${error.message}`);
    });
  }
}
