/**
 * The run's real processes: web launchers (`scripts/start.ts --only web`, the production
 * build) and worker processes (`scripts/worker.ts`), each with its own log file. The fleet
 * kills and replaces workers, rolls every process over to another workflow set, and routes
 * the load to webs that are up. A LauncherGuard stops everything if the run itself is killed.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "@/db/embedded-processes";
import { freePort } from "@/db/free-port";
import { LauncherGuard } from "../lib/guard";
import { appendLog, type FleetCounts, lastLine, type Proc, type WorkflowSet } from "./proc";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CHAOS_API_KEY = "tl_chaos_run_key";
const CHAOS_SECRET = "chaos-run-secret";
/** A web start includes the launcher's own checks (migrations, build stamp) and Next's start. */
const WEB_READY_MS = 180_000;
const WORKER_READY_MS = 120_000;
const STOP_GRACE_MS = 20_000;

export class Fleet {
  readonly counts: FleetCounts = {
    workerStarts: 0,
    webStarts: 0,
    kills: 0,
    workersRolled: 0,
    websRolled: 0,
    crashes: [],
    failedStarts: 0,
  };
  private readonly procs = new Set<Proc>();
  private readonly guard = new LauncherGuard({ childrenGraceSeconds: 15, databaseGraceSeconds: 30 });
  private stopping = false;
  private rollingWorkers = false;
  private serial = 0;
  /** The set new processes start with; the rolling restart changes it. */
  workflowSet: WorkflowSet = "";

  constructor(private readonly options: { url: string; logDir: string; log: (line: string) => void }) {}

  /** Keeps PostgreSQL on the guard's list: stopped last if the run is killed. */
  guardDatabase(pid: number): () => void {
    return this.guard.protect(pid, "database");
  }

  workers(): Proc[] {
    return [...this.procs].filter((p) => p.kind === "worker");
  }

  webs(): Proc[] {
    return [...this.procs].filter((p) => p.kind === "web");
  }

  /** A web that is up, the least busy first; null while none is. */
  pickWeb(): Proc | null {
    const up = this.webs().filter((w) => w.ready && !w.intended);
    if (up.length === 0) return null;
    return up.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  }

  async startWorker(): Promise<Proc> {
    const proc = this.spawn("worker", ["--import", "tsx", "scripts/worker.ts"], {
      THROUGHLINE_ROLE: "worker",
      // The webs come and go on ports a worker does not know: the simulated carrier confirms
      // pickups through the WaitService in the worker, not over HTTP (scripts/worker.ts).
      THROUGHLINE_CARRIER_CALLBACKS: "in_process",
    });
    this.counts.workerStarts++;
    const deadline = Date.now() + WORKER_READY_MS;
    await new Promise<void>((resolve, reject) => {
      let buffer = "";
      const onData = (chunk: Buffer) => {
        buffer = (buffer + chunk.toString()).slice(-4_096);
        if (/worker \S+ started \(/.test(buffer)) {
          proc.child.stdout?.off("data", onData);
          resolve();
        }
      };
      proc.child.stdout?.on("data", onData);
      void proc.exited.then(() => reject(new Error(`${proc.name} exited before it started`)));
      const timer = setInterval(() => {
        if (Date.now() > deadline)
          reject(new Error(`${proc.name} did not start within ${WORKER_READY_MS / 1000} s`));
      }, 1_000);
      void proc.exited.finally(() => clearInterval(timer));
      proc.child.stdout?.once("close", () => clearInterval(timer));
    }).catch((error: Error) => {
      // Stopped by the fleet itself while starting (a roll replaced it): not worth a retry.
      if (proc.intended) throw Object.assign(error, { stoppedByFleet: true });
      this.signal(proc, "SIGKILL");
      throw error;
    });
    proc.ready = true;
    return proc;
  }

  async startWeb(): Promise<Proc> {
    const port = await freePort();
    const proc = this.spawn("web", ["--import", "tsx", "scripts/start.ts", "--only", "web"], {
      PORT: String(port),
      // The launcher's own folder (leftover children, secrets): one per launcher.
      THROUGHLINE_DATA_DIR: path.join(this.options.logDir, `web-data-${this.serial}`),
    });
    proc.port = port;
    this.counts.webStarts++;
    const deadline = Date.now() + WEB_READY_MS;
    while (true) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(`${proc.name} exited before it answered (log: ${this.logFile(proc.name)})`);
      }
      const status = await fetch(`http://127.0.0.1:${port}/api/health`, {
        signal: AbortSignal.timeout(5_000),
      })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) break;
      if (Date.now() > deadline) {
        this.signal(proc, "SIGKILL", true);
        throw new Error(`${proc.name} did not answer within ${WEB_READY_MS / 1000} s`);
      }
      await sleep(300);
    }
    proc.ready = true;
    return proc;
  }

  /** SIGKILLs a random running worker and starts another; false when fewer than two run. */
  async killRandomWorker(random: () => number): Promise<boolean> {
    // Not while the roll replaces workers: it would find them all killed and replace none itself.
    if (this.rollingWorkers) return false;
    const running = this.workers().filter((w) => w.ready && !w.intended);
    if (running.length < 2) return false;
    const victim = running[Math.floor(random() * running.length)]!;
    this.options.log(`SIGKILL ${victim.name} (pid ${victim.pid})`);
    this.signal(victim, "SIGKILL");
    this.counts.kills++;
    await victim.exited;
    void this.replaceWorker();
    return true;
  }

  /**
   * Every process over to `set`, one at a time, each replacement up before its predecessor
   * stops: workers first, so no web accepts a version that no worker runs yet.
   */
  async roll(set: WorkflowSet): Promise<void> {
    this.workflowSet = set;
    const draining: Promise<void>[] = [];
    this.rollingWorkers = true;
    for (const old of this.workers().filter((w) => w.set !== set)) {
      if (old.intended) continue; // killed meanwhile: its replacement already runs `set`
      await this.startWorkerRetrying();
      if (old.intended) continue;
      // It stops fetching at once and drains its running steps meanwhile: the roll moves on.
      draining.push(this.stop(old));
      this.counts.workersRolled++;
    }
    this.rollingWorkers = false;
    for (const old of this.webs().filter((w) => w.set !== set)) {
      await this.startWeb();
      old.intended = true; // no new requests; the ones in flight finish first
      while (old.inFlight > 0) await sleep(50);
      draining.push(this.stop(old));
      this.counts.websRolled++;
    }
    await Promise.all(draining);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.procs].map((p) => this.stop(p)));
    this.guard.dismiss();
  }

  logFile(name: string): string {
    return path.join(this.options.logDir, `${name}.log`);
  }

  private async replaceWorker(): Promise<void> {
    try {
      await this.startWorkerRetrying();
    } catch (error) {
      this.options.log(`could not replace a worker: ${(error as Error).message}`);
    }
  }

  /** A start fails while PostgreSQL is down: try again until it is back. */
  private startWorkerRetrying(): Promise<Proc> {
    return this.retrying(() => this.startWorker());
  }

  private async retrying(start: () => Promise<Proc>): Promise<Proc> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (error) {
        if (this.stopping || attempt >= 30 || (error as { stoppedByFleet?: boolean }).stoppedByFleet)
          throw error;
        this.options.log(`start ${attempt} failed (${(error as Error).message}): again in 1 s`);
        await sleep(1_000);
      }
    }
  }

  /** SIGTERM and wait; SIGKILL to the process group after the grace period. */
  private async stop(proc: Proc): Promise<void> {
    if (!this.procs.has(proc)) return;
    this.signal(proc, "SIGTERM", true);
    const outcome = await Promise.race([proc.exited, sleep(STOP_GRACE_MS).then(() => "timeout" as const)]);
    if (outcome === "timeout") {
      this.options.log(`${proc.name} did not stop within ${STOP_GRACE_MS / 1000} s: SIGKILL`);
      this.signal(proc, "SIGKILL", true);
      await proc.exited;
    }
  }

  private signal(proc: Proc, signal: NodeJS.Signals, group = false): void {
    proc.intended = true;
    try {
      process.kill(group ? -proc.pid : proc.pid, signal);
    } catch {
      // already gone
    }
  }

  private spawn(kind: Proc["kind"], args: string[], env: Record<string, string>): Proc {
    const name = `${kind}-${++this.serial}`;
    const out = openSync(this.logFile(name), "a");
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        LOG_LEVEL: "warn",
        DATABASE_URL: this.options.url,
        THROUGHLINE_SECRET: CHAOS_SECRET,
        THROUGHLINE_BOOTSTRAP_API_KEY: CHAOS_API_KEY,
        THROUGHLINE_WORKFLOW_SET: this.workflowSet,
        ...env,
      },
      // Its own process group, so a signal reaches the launcher's children too; stdout is
      // read for the worker's "started" line and copied to the log.
      stdio: ["ignore", "pipe", out],
      detached: true,
    });
    child.stdout?.on("data", (chunk: Buffer) => appendLog(out, chunk));
    child.once("close", () => closeSync(out));
    const forget = this.guard.protect(-(child.pid ?? 0), "children");
    const proc: Proc = {
      kind,
      name,
      pid: child.pid ?? 0,
      set: this.workflowSet,
      ready: false,
      inFlight: 0,
      intended: false,
      child,
      exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
    };
    this.procs.add(proc);
    void proc.exited.then(({ code, signal }) => {
      forget();
      this.procs.delete(proc);
      if (proc.intended || this.stopping) return;
      if (!proc.ready) {
        this.counts.failedStarts++;
        return;
      }
      const why = `${signal ?? `exit ${code}`}: ${lastLine(this.logFile(name))}`;
      this.counts.crashes.push(`${name} (${why})`);
      this.options.log(`${name} exited on its own (${why}), log: ${this.logFile(name)}`);
      // As a supervisor would: the run goes on with a new one (the crash is reported).
      if (kind === "worker") void this.replaceWorker();
      else
        void this.retrying(() => this.startWeb()).catch((error: Error) =>
          this.options.log(`could not replace ${name}: ${error.message}`),
        );
    });
    return proc;
  }
}
