import type { Db } from "@/db/client";
import type { Providers } from "@/server/providers";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { LeaseKeeper } from "./leases";
import type { RunQueue } from "./run-queue";
import type { EngineStore } from "./store";

/** Where a step is when a hook runs; crash tests kill the worker process at these points. */
export interface HookInfo {
  operationId: string;
  step: string;
  attempt: number;
}

export interface EngineHooks {
  /** The claim (lease + `step_started`) is about to be sent. */
  beforeClaim?(info: HookInfo): Promise<void> | void;
  /** The precondition passed; the effect is about to run. */
  beforeEffect?(info: HookInfo): Promise<void> | void;
  /** The effect answered; its result is not committed yet. */
  afterEffect?(info: HookInfo): Promise<void> | void;
  /** The run is over; its pg-boss job is about to be completed. */
  beforeJobComplete?(info: { operationId: string; result: RunResult }): Promise<void> | void;
}

/** Everything a run needs, wired once per worker. */
export interface Engine {
  /** The worker's pool (postgres.js as `db.$client`). */
  db: Db;
  /** Grouped loads and commits (the hot path). */
  store: EngineStore;
  registry: WorkflowRegistry;
  /** Handed to every step in its context. */
  providers: Providers;
  /** Lease owner, unique per worker process start. */
  owner: string;
  /** Timeline actor, `worker:<id>`. */
  actor: string;
  leaseMs: number;
  leases: LeaseKeeper;
  now(): Date;
  /** 0–1, for retry jitter; injected so tests are exact. */
  random(): number;
  log(line: string): void;
  hooks: EngineHooks;
  /** Writes run jobs inside the caller's transaction, so they commit with the state that needs them. */
  runs: Pick<RunQueue, "enqueue">;
  /** True once the worker is shutting down: finish the step in hand, hand the rest over. */
  isStopping(): boolean;
  /** An operator paused this workflow type: start no new step of it. */
  isPaused(type: string): boolean;
  /** A retry was scheduled at `at`; the worker wakes up for it without waiting for a poll. */
  onRetryScheduled(at: Date): void;
}

/** How a run ended, for logs, tests and the job loop. */
export type RunResult =
  | "completed"
  | "failed"
  | "blocked"
  /** Another worker holds the step's lease. */
  | "busy"
  /** A retry is scheduled; its delayed job will start the next run. */
  | "waiting"
  /** Shutting down: a job was written for another worker to continue. */
  | "handed_off"
  /** The workflow type is paused; un-pausing writes the next job. */
  | "paused"
  /** The lease was lost mid-step: the result was discarded, the new owner decides. */
  | "fenced"
  | "missing"
  /** No workflow of this type and version is registered in this build. */
  | "unknown_version";
