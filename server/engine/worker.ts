import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { PgBoss } from "pg-boss";
import type { Db } from "@/db/client";
import type { Providers } from "@/server/providers";
import { defaultRegistry } from "@/server/workflows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { Engine, EngineHooks } from "./engine";
import { EventsNotifier } from "./events-notifier";
import { LeaseKeeper } from "./leases";
import { holdLivenessLock } from "./liveness";
import { JobLoop } from "./loop";
import { PauseWatcher } from "./pause-watcher";
import { announceWorker } from "./presence";
import { ensureQueues, PGBOSS_SCHEMA, sqlExecutor } from "./queue";
import { RunQueue } from "./run-queue";
import { runOperation } from "./runner";
import { EngineStore } from "./store";
import { Sweeper } from "./sweeper";
import { assertVersionsRegistered } from "./versions";

/** Tuned on a 2-core machine; tests shorten the times through options. */
export const WORKER_DEFAULTS = {
  concurrency: 64,
  fetchBatch: 32,
  pollMs: 1_000,
  leaseMs: 5_000,
  sweepMs: 1_000,
  // A dead worker's steps wait about this long (its liveness lock frees at once): one cheap read.
  deadSweepMs: 200,
  requeueAfterMs: 10_000,
  orphanSweepMs: 15_000,
  staleAfterMs: 60_000,
  touchMs: 4_000,
  graceMs: 10_000,
  pauseRefreshMs: 1_000,
  notifyDelayMs: 20,
};

export interface StartWorkerOptions {
  /** The pool this worker reads and writes through. */
  db: Db;
  /** What the steps call (`ctx.providers`); the caller builds them, usually `createServices(…).providers`. */
  providers: Providers;
  /** One line per lifecycle event; silent when absent. */
  log?: (line: string) => void;
  /** Stable identity; defaults to `${hostname}:${pid}:${random}`, unique per process start. */
  workerId?: string;
  /** For pg-boss's own pool (LISTEN, maintenance); defaults to DATABASE_URL. */
  url?: string;
  /** Where retries, hand-offs and recoveries write their run jobs; one over `db` when absent. */
  runs?: RunQueue;
  /** The workflows this build runs; defaults to every registered one. */
  registry?: WorkflowRegistry;
  /** Most operations run at once in this process. */
  concurrency?: number;
  /** How long a claimed step stays leased without renewal; a dead worker's step waits this long. */
  leaseMs?: number;
  /** How often expired leases are swept. */
  sweepMs?: number;
  /** How often workers whose liveness lock is free (dead) are looked for. */
  deadSweepMs?: number;
  /** A swept step not claimed again within this long is swept again. */
  requeueAfterMs?: number;
  orphanSweepMs?: number;
  staleAfterMs?: number;
  /** Backstop poll when no notification arrives (delayed retries of other workers). */
  pollMs?: number;
  /** How long `stop()` lets running steps finish before leaving them to other workers. */
  graceMs?: number;
  /** Live readers hear about the engine's events within this long (one NOTIFY per window). */
  notifyDelayMs?: number;
  /** How often paused workflow types are read. */
  pauseRefreshMs?: number;
  /** Test hooks at each point of a step (crash tests kill the process there). */
  hooks?: EngineHooks;
  /** More job handlers on this worker's queue connection (the worker process passes bulk work). */
  companions?: StartCompanion[];
  now?: () => Date;
  random?: () => number;
}

/** What a companion is started with: the worker's pg-boss instance and its identity. */
export interface CompanionContext {
  boss: PgBoss;
  db: Db;
  runs: RunQueue;
  /** The workflows this worker runs (the same registry the engine was given). */
  registry: WorkflowRegistry;
  workerId: string;
  pollMs: number;
  log(line: string): void;
}

/**
 * Other work a worker process takes from its pg-boss instance (bulk actions, server/bulk/work.ts),
 * passed in so the engine knows nothing of it: started after the engine, stopped before its drain.
 */
export type StartCompanion = (context: CompanionContext) => Promise<{ stop(): Promise<void> }>;

export interface RunningWorker {
  id: string;
  /** Stops taking jobs, lets running steps finish within the grace period, then lets go; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A worker process's engine: refuses to start when an in-flight workflow version is not
 * registered, then takes run jobs from pg-boss and runs operations (see runner.ts), sweeps
 * dead workers' leases, and heartbeats in `workers` so the console shows who is alive.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { db } = options;
  const settings = { ...WORKER_DEFAULTS, ...definedOnly(options) };
  const log = options.log ?? (() => {});
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const registry = options.registry ?? defaultRegistry;
  const sql = db.$client;
  const url = options.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error("The worker needs DATABASE_URL (or the url option) for its queue connection.");

  await assertVersionsRegistered({ sql, registry });
  // Normally done by the launcher after migrations; idempotent, so a worker started alone works too.
  await ensureQueues(url);

  const boss = new PgBoss({
    connectionString: url,
    schema: PGBOSS_SCHEMA,
    max: 4,
    application_name: "throughline-worker-queue",
    migrate: false,
    schedule: false,
    supervise: true,
    // Job expiry and heartbeat checks run in the monitor pass: often, so a dead worker's
    // unclaimed jobs come back within ~15 s instead of pg-boss's default minute.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 5,
    maintenanceIntervalSeconds: 60,
    instanceName: `throughline-worker ${id}`,
  });
  boss.on("error", (error) => log(`pg-boss: ${error.message}`));
  await boss.start();
  // Before the first claim: a lease of ours must never exist while our lock is free.
  const liveness = await holdLivenessLock({ url, id, log });

  let stopping = false;
  const notifier = new EventsNotifier({ sql, delayMs: settings.notifyDelayMs, log });
  const leases = new LeaseKeeper({ sql, owner: id, leaseMs: settings.leaseMs, log });
  const ownRuns = options.runs ? null : new RunQueue({ db, url });
  const runs = options.runs ?? ownRuns!;
  // Started before any commit needs it, so no transaction waits on pg-boss starting up.
  await runs.start();
  const pauses = new PauseWatcher({ db, refreshMs: settings.pauseRefreshMs, runs, log });
  await pauses.start();
  let loop: JobLoop | null = null;
  const engine: Engine = {
    db,
    store: new EngineStore({ db, runs, notifier }),
    registry,
    providers: options.providers,
    owner: id,
    actor: `worker:${id}`,
    leaseMs: settings.leaseMs,
    leases,
    now: options.now ?? (() => new Date()),
    random: options.random ?? Math.random,
    log,
    hooks: options.hooks ?? {},
    runs,
    isStopping: () => stopping,
    isPaused: (type) => pauses.isPaused(type),
    onRetryScheduled: (at) => loop?.wakeAt(at),
  };
  loop = new JobLoop({
    boss,
    executor: sqlExecutor(sql),
    sql,
    concurrency: settings.concurrency,
    fetchBatch: settings.fetchBatch,
    pollMs: settings.pollMs,
    touchMs: settings.touchMs,
    // A start job says which workflow accepted the operation: its first claim skips the read.
    run: (operationId, data) =>
      runOperation(
        engine,
        operationId,
        data.reason === "start" ? data.workflow : undefined,
        data.reason === "recheck" ? data.recheck : undefined,
      ),
    hooks: engine.hooks,
    log,
  });
  const sweeper = new Sweeper({
    db,
    owner: id,
    sweepMs: settings.sweepMs,
    deadSweepMs: settings.deadSweepMs,
    requeueAfterMs: settings.requeueAfterMs,
    orphanSweepMs: settings.orphanSweepMs,
    staleAfterMs: settings.staleAfterMs,
    runs,
    log,
  });
  leases.start();
  await loop.start();
  sweeper.start();
  const companions: { stop(): Promise<void> }[] = [];
  for (const start of options.companions ?? []) {
    companions.push(await start({ boss, db, runs, registry, workerId: id, pollMs: settings.pollMs, log }));
  }
  // Last: the row says "this worker is up" (the launcher's tests wait for it).
  const presence = await announceWorker({ db, id, log, livenessLock: liveness.key });
  log(
    `worker ${id} started (${registry.all().length} workflow versions, up to ${settings.concurrency} runs at once)`,
  );

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      // A stopping worker recovers nobody else's work.
      await sweeper.stop();
      await pauses.stop();
      await loop.stopFetching();
      for (const companion of companions) await companion.stop();
      const finished = await loop.drain(settings.graceMs);
      if (!finished) {
        // Leave the rest to other workers now rather than after the lease runs out.
        const left =
          await sql`update steps set lease_expires_at = now() where lease_owner = ${id} returning 1`;
        log(`grace period over: ${left.length} step(s) left for other workers`);
      }
      await notifier.flush();
      await leases.stop();
      await boss.stop({ graceful: false, close: true });
      await ownRuns?.close();
      await presence.stop();
      await liveness.close();
      log(`worker ${id} stopped`);
    })();
    return stopped;
  };
  return { id, stop };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
