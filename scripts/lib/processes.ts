/**
 * The launcher's supervisor: long-running services (web, worker, and the embedded
 * PostgreSQL it watches) and one-off tasks (build).
 *
 * - Each child gets a process group of its own, so a terminal Ctrl-C reaches only the
 *   launcher, which then stops the children in order; output goes straight to the terminal.
 * - A service that dies (a crash, the OOM killer, `kill -9`) is started again after a pause
 *   that grows with each crash; after repeated fast crashes the supervisor gives up and the
 *   launcher stops everything (see restart-policy.ts).
 * - The guard (guard.ts) stops every child if the launcher itself is killed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { signal, sleep } from "@/db/embedded-processes";
import { LauncherGuard } from "./guard";
import { RestartPolicy, type RestartPolicyOptions } from "./restart-policy";

export interface ChildSpec {
  /** Shown in logs: `web`, `worker`, `build`. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One run of a service: its process, and when it ends. */
interface Run {
  pid: number;
  exited: Promise<ChildExit>;
}

/**
 * A service the supervisor neither starts nor stops, only restarts when it dies: the embedded
 * PostgreSQL. If the launcher is killed, its guard stops it after the children.
 */
export interface WatchedService {
  name: string;
  current(): { pid: number; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };
  restart(): Promise<void>;
}

interface Running {
  spec: ChildSpec;
  process: ChildProcess;
  exited: Promise<ChildExit>;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly guard = new LauncherGuard();
  private stopping = false;

  /**
   * @param onGiveUp called when a service crashed too often to be restarted again.
   */
  constructor(
    private readonly log: (line: string) => void,
    private readonly onGiveUp: (exit: ChildExit) => void,
    private readonly restartPolicy?: RestartPolicyOptions,
  ) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts a long-running service and keeps it running until `stopAll`. */
  startService(spec: ChildSpec): ChildProcess {
    const first = this.spawnChild(spec);
    this.log(`${spec.name} started (pid ${first.process.pid})`);
    void this.keep(spec.name, toRun(first), async () => toRun(this.spawnChild(spec)));
    return first.process;
  }

  /** Restarts a service someone else started (the embedded PostgreSQL) whenever it dies. */
  watch(service: WatchedService): void {
    const runOf = (): Run => {
      const current = service.current();
      const forget = this.guard.protect(current.pid, "database");
      const exited = current.exited.then((exit) => {
        forget();
        return { name: service.name, ...exit };
      });
      return { pid: current.pid, exited };
    };
    void this.keep(service.name, runOf(), async () => {
      await service.restart();
      return runOf();
    });
  }

  /** Runs a task to completion and resolves with its exit code (signals count as failure). */
  async runTask(spec: ChildSpec): Promise<number> {
    const exit = await this.spawnChild(spec).exited;
    return exit.code ?? 1;
  }

  /**
   * SIGTERM to every child, then waits up to `graceMs`; whoever is left gets SIGKILL,
   * together with anything else still in its process group. Watched services are left to
   * their owner (the launcher stops PostgreSQL after the children); none is restarted now.
   */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const children = [...this.running.values()];
    for (const child of children) signalChild(child.process, "SIGTERM", false);
    const deadline = sleep(graceMs).then(() => "timeout" as const);
    await Promise.all(
      children.map(async (child) => {
        const outcome = await Promise.race([child.exited, deadline]);
        if (outcome === "timeout") {
          this.log(`${child.spec.name} did not stop within ${graceMs / 1000} s: killing it`);
          signalChild(child.process, "SIGKILL", true);
          await child.exited;
        }
      }),
    );
  }

  /** Ends the guard: call it just before the launcher exits on its own, everything stopped. */
  release(): void {
    this.guard.dismiss();
  }

  /** Runs `first`, and each restart, until it exits while stopping or crashes too often. */
  private async keep(name: string, first: Run, start: () => Promise<Run>): Promise<void> {
    const policy = new RestartPolicy(this.restartPolicy);
    let run = first;
    for (;;) {
      const exit = await run.exited;
      if (this.stopping) return;
      const verdict = policy.afterCrash(Date.now());
      if (!verdict) {
        this.log(
          `${name} exited unexpectedly (${describeExit(exit)}), ${policy.options.limit} times within ${policy.options.windowMs / 1000} s: giving up`,
        );
        this.onGiveUp(exit);
        return;
      }
      this.log(
        `${name} exited unexpectedly (${describeExit(exit)}): restarting it in ${verdict.delayMs / 1000} s (crash ${verdict.crashes}; giving up at ${policy.options.limit} within ${policy.options.windowMs / 1000} s)`,
      );
      await sleep(verdict.delayMs);
      if (this.stopping) return;
      try {
        run = await start();
        this.log(`${name} restarted (pid ${run.pid})`);
      } catch (error) {
        this.log(`${name} could not be restarted: ${(error as Error).message}`);
        run = { pid: 0, exited: Promise.resolve({ name, code: 1, signal: null }) };
      }
    }
  }

  private spawnChild(spec: ChildSpec): Running {
    if (this.stopping) throw new Error(`not starting ${spec.name}: shutting down`);
    if (this.running.has(spec.name)) throw new Error(`${spec.name} is already running`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
    const forget = child.pid ? this.guard.protect(-child.pid, "children") : () => {};
    const exited = new Promise<ChildExit>((resolve) => {
      child.once("error", (error) => {
        this.log(`${spec.name} could not start: ${error.message}`);
        this.running.delete(spec.name);
        forget();
        resolve({ name: spec.name, code: 1, signal: null });
      });
      child.once("exit", (code, signal) => {
        this.running.delete(spec.name);
        forget();
        // The leader is gone; sweep anything it left in its group.
        signalChild(child, "SIGKILL", true);
        resolve({ name: spec.name, code, signal });
      });
    });
    const running = { spec, process: child, exited };
    this.running.set(spec.name, running);
    return running;
  }
}

function toRun(running: Running): Run {
  return { pid: running.process.pid ?? 0, exited: running.exited };
}

export function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
}

function signalChild(child: ChildProcess, name: NodeJS.Signals, wholeGroup: boolean): void {
  if (child.pid) signal(wholeGroup ? -child.pid : child.pid, name);
}
