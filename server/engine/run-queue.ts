import type { JobInsert } from "pg-boss";
import type { Db } from "@/db/client";
import type { Tx } from "@/db/transaction";
import { JobProducer, RUN_QUEUE } from "./queue";

/** Why a run job was written; shown in logs and used by the console to tell hops apart. */
export type RunReason = "start" | "retry" | "handoff" | "resume" | "recover" | "recheck" | "timer";

export interface RunJobData {
  operationId: string;
  reason: RunReason;
  /** On start jobs: the workflow the operation was accepted under, so its first claim needs no read. */
  workflow?: { type: string; version: number };
  /**
   * On recheck jobs: the blocked step to check again, which check of its schedule this is, and
   * whether it is the schedule's own (which writes the next) or a signal's one-off check.
   */
  recheck?: RecheckJob;
}

export interface RecheckJob {
  step: string;
  check: number;
  scheduled: boolean;
  /** A scheduled check's block (its hand-over time): a chain left by an earlier block stops. */
  handOverAt?: string;
}

/** One run job to write: "look at this operation" (its rows decide what, if anything, runs). */
export interface RunJob {
  data: RunJobData;
  startAfter?: Date;
  /** With `singletonSeconds`: at most one such job per key and time slot (pg-boss throttling). */
  singletonKey?: string;
  singletonSeconds?: number;
}

export interface RunQueueOptions {
  /** The process's pool; pg-boss writes through it (no pool of its own). */
  db: Db;
  /** Lets the first use install pg-boss's schema and queues when the launcher has not. */
  url?: string;
  /** A producer shared with the process's other job queues (one pg-boss producer per process). */
  producer?: JobProducer;
}

/**
 * The one way to write run jobs: inside the caller's transaction, so a job commits with the
 * state that needs it — intake (operation accepted), an operator's action, a scheduled retry,
 * a hand-off, a recovery — and never without it.
 */
export class RunQueue {
  private readonly producer: JobProducer;

  constructor(options: RunQueueOptions) {
    this.producer = options.producer ?? new JobProducer(options);
  }

  async enqueue(tx: Tx, jobs: RunJob[]): Promise<void> {
    await this.producer.insert(tx, RUN_QUEUE, jobs.map(toInsert));
  }

  /** Starts pg-boss now (a worker does, before its first commit); otherwise the first enqueue does. */
  start(): Promise<void> {
    return this.producer.start();
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

function toInsert(job: RunJob): JobInsert {
  return {
    data: job.data,
    ...(job.startAfter ? { startAfter: job.startAfter.toISOString() } : {}),
    ...(job.singletonKey ? { singletonKey: job.singletonKey, singletonSeconds: job.singletonSeconds } : {}),
  };
}
