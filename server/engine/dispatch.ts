import type { Db as BossDb, PgBoss } from "pg-boss";
import { type Db, getDb } from "@/db/client";
import type { Tx } from "@/db/transaction";
import type { StartDispatcher } from "@/server/operations/dispatch";
import type { RunJobRequest } from "./context";
import { insertRunJobs, type RunReason, sqlExecutor, startProducer } from "./queue";

export interface RunDispatcherOptions {
  /** The process's pool; pg-boss writes through it (no pool of its own). */
  db: Db;
  /** Lets the first use install pg-boss's schema and queues when the launcher has not. */
  url?: string;
}

/**
 * Writes run jobs inside the caller's transaction, so the job commits with the rows
 * that need it: intake (operation accepted), an operator's resume, a review decision.
 * Works in a process that runs no workers (the web process): it only inserts jobs,
 * through a pg-boss instance started once, on first use, without maintenance.
 */
export class RunDispatcher {
  private producer: Promise<PgBoss> | null = null;

  constructor(private readonly options: RunDispatcherOptions) {}

  /** The StartDispatcher intake calls with every batch it accepts: one statement per batch. */
  readonly dispatchStarts: StartDispatcher = async (tx, starts) => {
    await this.enqueue(
      tx,
      starts.map((s) => ({
        data: { operationId: s.id, reason: "start", workflow: { type: s.type, version: s.version } },
      })),
    );
  };

  /** Run jobs for these operations, in `tx`. */
  async enqueueRuns(tx: Tx, operationIds: string[], reason: RunReason): Promise<void> {
    await this.enqueue(
      tx,
      operationIds.map((operationId) => ({ data: { operationId, reason } })),
    );
  }

  async enqueue(tx: Tx, jobs: RunJobRequest[]): Promise<void> {
    await this.enqueueWith(sqlExecutor(tx.sql), jobs);
  }

  /** The same through any pg-boss executor (e.g. a postgres.js transaction: `sqlExecutor(tx)`). */
  async enqueueWith(executor: BossDb, jobs: RunJobRequest[]): Promise<void> {
    if (jobs.length === 0) return;
    await insertRunJobs(await this.boss(), executor, jobs);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer) await (await producer).stop({ graceful: false, close: false }).catch(() => {});
  }

  private boss(): Promise<PgBoss> {
    if (!this.producer) {
      this.producer = startProducer(this.options.db, this.options.url);
      // A failed start (database down) must not poison every later intake.
      this.producer.catch(() => {
        this.producer = null;
      });
    }
    return this.producer;
  }
}

const globalForDispatcher = globalThis as unknown as { throughlineRunDispatcher?: RunDispatcher };

/** The process-wide dispatcher over `getDb()`; kept on globalThis so dev reloads reuse it. */
export function getRunDispatcher(): RunDispatcher {
  globalForDispatcher.throughlineRunDispatcher ??= new RunDispatcher({
    db: getDb(),
    url: process.env.DATABASE_URL,
  });
  return globalForDispatcher.throughlineRunDispatcher;
}
