/**
 * The launcher's children: long-running services (web, worker) and one-off tasks (build).
 * Each child gets a process group of its own, so a terminal Ctrl-C reaches only the
 * launcher, which then stops the children in order; output goes straight to the terminal.
 */
import { type ChildProcess, spawn } from "node:child_process";

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

interface Running {
  spec: ChildSpec;
  process: ChildProcess;
  exited: Promise<ChildExit>;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private stopping = false;

  /**
   * @param onUnexpectedExit called when a service exits while the supervisor is not stopping.
   */
  constructor(
    private readonly log: (line: string) => void,
    private readonly onUnexpectedExit: (exit: ChildExit) => void,
  ) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts a long-running service; its exit is unexpected unless `stopAll` caused it. */
  startService(spec: ChildSpec): ChildProcess {
    const running = this.spawnChild(spec);
    void running.exited.then((exit) => {
      if (!this.stopping) this.onUnexpectedExit(exit);
    });
    return running.process;
  }

  /** Runs a task to completion and resolves with its exit code (signals count as failure). */
  async runTask(spec: ChildSpec): Promise<number> {
    const exit = await this.spawnChild(spec).exited;
    return exit.code ?? 1;
  }

  /**
   * SIGTERM to every child, then waits up to `graceMs`; whoever is left gets SIGKILL,
   * together with anything else still in its process group.
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
        // The leader is gone; sweep anything it left in its group.
        signalChild(child.process, "SIGKILL", true);
      }),
    );
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
    const exited = new Promise<ChildExit>((resolve) => {
      child.once("error", (error) => {
        this.log(`${spec.name} could not start: ${error.message}`);
        this.running.delete(spec.name);
        resolve({ name: spec.name, code: 1, signal: null });
      });
      child.once("exit", (code, signal) => {
        this.running.delete(spec.name);
        resolve({ name: spec.name, code, signal });
      });
    });
    const running = { spec, process: child, exited };
    this.running.set(spec.name, running);
    return running;
  }
}

function signalChild(child: ChildProcess, signal: NodeJS.Signals, wholeGroup: boolean): void {
  if (!child.pid) return;
  try {
    process.kill(wholeGroup ? -child.pid : child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
