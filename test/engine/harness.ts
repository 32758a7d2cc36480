import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Db } from "@/db/client";
import { bulkWork } from "@/server/bulk/work";
import { isTerminal, type OperationStatus } from "@/server/domain/statuses";
import { ensureQueues } from "@/server/engine/queue";
import { RunQueue } from "@/server/engine/run-queue";
import { type RunningWorker, type StartWorkerOptions, startWorker } from "@/server/engine/worker";
import { IntakeService } from "@/server/operations/intake";
import { createProviders } from "@/server/providers";
import { inProcessCallbacks } from "@/server/providers/carrier-callback";
import { WaitService } from "@/server/waits/wait-service";
import { defaultRegistry } from "@/server/workflows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { eventually } from "@/test/eventually";

/** Short times so engine tests finish in seconds; every test can override them. */
export const TEST_WORKER_OPTIONS = {
  leaseMs: 1_000,
  sweepMs: 200,
  requeueAfterMs: 2_000,
  orphanSweepMs: 500,
  staleAfterMs: 3_000,
  pollMs: 200,
  graceMs: 2_000,
  pauseRefreshMs: 100,
} satisfies Partial<StartWorkerOptions>;

export interface EngineHarness {
  /** The run queue intake and the tests write jobs through. */
  runs: RunQueue;
  /** Accepts an operation through real intake (one transaction with its run job). */
  start(type: string, input: unknown, registry?: WorkflowRegistry): Promise<string>;
  startWorker(options?: Partial<StartWorkerOptions>): Promise<RunningWorker>;
  /**
   * Resolves when the operation reaches one of `statuses` (default: any terminal one);
   * fails after `timeoutMs` (default: `eventually`'s).
   */
  waitFor(id: string, statuses?: OperationStatus[], timeoutMs?: number): Promise<OperationStatus>;
  /**
   * Resolves once a worker started here has finished a run job of the operation, whatever
   * the run did: after it, "no step started" means the worker had its chance and declined.
   */
  jobRan(id: string): Promise<void>;
  events(id: string): Promise<{ type: string; step: string | null; data: Record<string, unknown> | null }[]>;
  steps(id: string): Promise<{ name: string; status: string; attempts: number; leaseOwner: string | null }[]>;
  close(): Promise<void>;
}

/**
 * Real intake, a real pg-boss queue and in-process workers against one test database
 * (from test/db.ts); the sample providers write to the same database.
 */
export async function engineHarness(options: {
  db: Db;
  url: string;
  registry?: WorkflowRegistry;
  random?: () => number;
}): Promise<EngineHarness> {
  const { db, url } = options;
  const registry = options.registry ?? defaultRegistry;
  await ensureQueues(url);
  const runs = new RunQueue({ db, url });
  // No web here: the carrier's pickup callback goes straight to the WaitService (carrier-callback.ts).
  const waits = new WaitService({ db, runs, registry });
  const providers = createProviders({ db, random: options.random, callbacks: inProcessCallbacks(waits) });
  const workers: RunningWorker[] = [];
  const ranJobOf = new Set<string>();
  const sql = db.$client;

  return {
    runs,
    async start(type, input, reg = registry) {
      const intake = new IntakeService(db, reg, runs);
      const result = await intake.call({ request: { type, input }, caller: "key:test" });
      if (result.type !== "created") throw new Error(`intake refused: ${JSON.stringify(result)}`);
      return result.operationId;
    },
    async startWorker(overrides = {}) {
      const hooks = overrides.hooks ?? {};
      const worker = await startWorker({
        db,
        url,
        registry,
        providers,
        companions: [bulkWork],
        ...TEST_WORKER_OPTIONS,
        ...overrides,
        hooks: {
          ...hooks,
          beforeJobComplete: async (info) => {
            ranJobOf.add(info.operationId);
            await hooks.beforeJobComplete?.(info);
          },
        },
      });
      workers.push(worker);
      return worker;
    },
    waitFor: (id, statuses, timeoutMs) =>
      eventually(
        async () => {
          const [row] = await sql<
            { status: OperationStatus }[]
          >`select status from operations where id = ${id}`;
          const status = row?.status;
          if (status && (statuses ? statuses.includes(status) : isTerminal(status))) return status;
          throw new Error(`is ${status}, waiting for ${statuses?.join(" or ") ?? "a terminal status"}`);
        },
        { timeoutMs, intervalMs: 25, message: `operation ${id}` },
      ),
    jobRan: (id) =>
      eventually(() => {
        if (!ranJobOf.has(id)) throw new Error(`no run job of ${id} has finished yet`);
      }),
    events: (id) => sql`select type, step, data from events where operation_id = ${id} order by id` as never,
    steps: (id) =>
      sql`select name, status, attempts, lease_owner as "leaseOwner" from steps
          where operation_id = ${id} order by position` as never,
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await runs.close();
    },
  };
}

export interface WorkerChild {
  child: ChildProcess;
  /** Everything the child printed so far. */
  output(): string;
  /** Resolves when the output contains `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the signal or exit code when the process ends. */
  exited: Promise<string>;
  /** Continues a child SIGSTOPped at its PAUSE_AT point: SIGCONT, then the line it waits for. */
  resume(): void;
  stop(): Promise<void>;
}

/** A real worker process (test/engine/worker-child.fixture.ts); resolves once it is ready. */
export async function spawnWorkerChild(url: string, env: Record<string, string> = {}): Promise<WorkerChild> {
  const script = fileURLToPath(new URL("./worker-child.fixture.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, DATABASE_URL: url, ...env },
    // stdin carries `continue` to a child paused at PAUSE_AT (see resume()).
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? String(code))),
  );
  const waitForOutput = (text: string, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!out.includes(text)) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`worker child never printed "${text}"; it printed:\n${out}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  await Promise.race([
    // tsx compiles the engine in the child: slow when the 2-core box is busy with other suites.
    waitForOutput("ready", 60_000),
    exited.then((how) => {
      if (!out.includes("ready"))
        throw new Error(`worker child exited (${how}) before it was ready:\n${out}`);
    }),
  ]);
  return {
    child,
    output: () => out,
    waitForOutput,
    exited,
    resume() {
      child.kill("SIGCONT");
      child.stdin!.write("continue\n");
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
