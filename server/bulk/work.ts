import type { Job, PgBoss } from "pg-boss";
import type { ActionDeps } from "@/server/actions/perform";
import { BULK_QUEUE, insertJobs, sqlExecutor } from "@/server/engine/queue";
import type { StartCompanion } from "@/server/engine/worker";
import type { BulkJobData } from "./queue";
import { type AdvanceResult, advanceBulk } from "./runner";

/** Bulk actions one worker runs at once (each works through its targets one at a time). */
const BULK_CONCURRENCY = 2;

export interface BulkJobDeps extends ActionDeps {
  /** The runner lease's holder: the worker's id. */
  runnerId: string;
  /** True once the worker is shutting down: finish the operation in hand, then hand the job back. */
  isStopping(): boolean;
}

/** The job goes back to pg-boss, which hands it out again after its retry delay. */
export class BulkJobRetry extends Error {}

/**
 * One bulk job, as the worker runs it. Resolves when there is nothing left for this job
 * (finished, paused, aborted, or another live runner took over); throws `BulkJobRetry` when
 * the bulk action must go on later: another runner's lease has not run out (a crashed
 * worker's runner is taken over once it does), or this worker is stopping.
 */
export async function runBulkJob(deps: BulkJobDeps, job: Pick<Job<BulkJobData>, "data" | "signal">) {
  const { bulkActionId } = job.data;
  const result: AdvanceResult = await advanceBulk(deps, {
    bulkActionId,
    runnerId: deps.runnerId,
    // The signal aborts when pg-boss finds this worker's claim on the job gone.
    shouldStop: () => deps.isStopping() || job.signal.aborted,
  });
  if (result === "busy") throw new BulkJobRetry(`bulk action ${bulkActionId} is held by another runner`);
  if (result === "stopped" && deps.isStopping()) {
    throw new BulkJobRetry(`worker stopping: bulk action ${bulkActionId} goes on from its next attempt`);
  }
  return result;
}

export interface BulkWorkOptions {
  boss: PgBoss;
  deps: Omit<BulkJobDeps, "isStopping">;
  /** How often the queue is polled besides pg-boss's wake-ups (retried jobs send none). */
  pollMs: number;
  log(line: string): void;
}

export interface BulkWork {
  /** Lets the bulk actions in hand finish their current operation, then hands their jobs back. */
  stop(): Promise<void>;
}

/**
 * Takes bulk jobs from pg-boss in a worker process. On start it also writes a job for any
 * running bulk action no live runner holds (one confirmed before bulk jobs existed, or whose
 * job ran out of retries), so a running bulk action always has a runner coming.
 */
async function startBulkWork(options: BulkWorkOptions): Promise<BulkWork> {
  const { boss, log } = options;
  let stopping = false;
  const deps: BulkJobDeps = { ...options.deps, isStopping: () => stopping };
  const seconds = Math.max(0.5, options.pollMs / 1_000);
  await boss.work<BulkJobData>(
    BULK_QUEUE,
    {
      localConcurrency: BULK_CONCURRENCY,
      pollingIntervalSeconds: seconds,
      notifyPollingIntervalSeconds: seconds,
    },
    async ([job]) => {
      try {
        const result = await runBulkJob(deps, job!);
        log(`bulk action ${job!.data.bulkActionId}: ${result}`);
      } catch (error) {
        if (!(error instanceof BulkJobRetry)) {
          log(`bulk action ${job!.data.bulkActionId} failed: ${(error as Error).message}`);
        }
        throw error;
      }
    },
  );
  await recoverBulkActions(options);
  return {
    async stop() {
      stopping = true;
      log("bulk: stopping; each bulk action in hand stops after its current operation");
      await boss.offWork(BULK_QUEUE, { wait: true });
    },
  };
}

/** Bulk work as a companion of the engine's worker (`startWorker({ companions: [bulkWork] })`). */
export const bulkWork: StartCompanion = (context) =>
  startBulkWork({
    boss: context.boss,
    deps: { db: context.db, runs: context.runs, registry: context.registry, runnerId: context.workerId },
    pollMs: context.pollMs,
    log: context.log,
  });

async function recoverBulkActions({ boss, deps }: BulkWorkOptions): Promise<void> {
  // A second job for one that has its job already is harmless: it finds it held ("busy") or done.
  const orphans = await deps.db.$client<{ id: string }[]>`
    select id from bulk_actions
    where status = 'running' and (runner_lease_until is null or runner_lease_until < now())`;
  const jobs = orphans.map((o) => ({ data: { bulkActionId: o.id } satisfies BulkJobData }));
  await insertJobs(boss, BULK_QUEUE, sqlExecutor(deps.db.$client), jobs);
}
