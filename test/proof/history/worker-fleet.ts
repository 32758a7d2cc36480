import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { clock, type HistoryRecorder } from "./record";

const READY_DEADLINE_MS = 120_000;
const STOP_DEADLINE_MS = 30_000;

/**
 * Worker processes of a history run (worker-process.ts): each one's effects go into the history
 * as it reports them; `kill()` SIGKILLs the current one (its effects still open end at the
 * kill) and starts the next.
 */
export class WorkerFleet {
  private current: {
    child: ChildProcess;
    id: string;
    open: Map<string, number>;
    exited: Promise<void>;
  } | null = null;
  private started = 0;

  constructor(
    private readonly url: string,
    private readonly history: HistoryRecorder,
  ) {}

  async start(): Promise<void> {
    const id = `history-p${this.started++}`;
    const script = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      env: { ...process.env, DATABASE_URL: this.url, WORKER_ID: id },
      // stdin stays open while this process lives: the child leaves when it closes (worker-process.ts).
      stdio: ["pipe", "pipe", "inherit"],
    });
    const open = new Map<string, number>();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const ready = new Promise<void>((resolve, reject) => {
      child.once("exit", (code, signal) =>
        reject(new Error(`worker process ${id} exited (${signal ?? code})`)),
      );
      // Generous (a start under load takes seconds), but a start that never ends fails the run.
      const deadline = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`worker process ${id} not ready after ${READY_DEADLINE_MS} ms`));
      }, READY_DEADLINE_MS);
      deadline.unref();
      child.once("exit", () => clearTimeout(deadline));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line === "ready") {
          clearTimeout(deadline);
          resolve();
        }
        if (line.startsWith("effect ")) this.effect(id, open, JSON.parse(line.slice(7)));
      });
    });
    this.current = { child, id, open, exited };
    await ready;
  }

  /** SIGKILLs the running process mid-work and starts another one. */
  async kill(): Promise<void> {
    const dying = this.current;
    if (!dying) return;
    await this.history.record(
      "chaos",
      "kill_worker",
      { worker: dying.id, pid: dying.child.pid },
      async () => {
        dying.child.kill("SIGKILL");
        await dying.exited;
      },
      () => ({ killed: true }),
    );
    this.closeOpen(dying.id, dying.open);
    await this.start();
  }

  async stop(): Promise<void> {
    const last = this.current;
    if (!last) return;
    this.current = null;
    last.child.kill("SIGTERM");
    // A stop that does not end (its database gone) is cut short, as a supervisor would.
    const stuck = setTimeout(() => last.child.kill("SIGKILL"), STOP_DEADLINE_MS);
    await last.exited;
    clearTimeout(stuck);
    this.closeOpen(last.id, last.open);
  }

  private effect(
    worker: string,
    open: Map<string, number>,
    e: { edge: string; at: number; operationId: string; step: string; attempt: number },
  ) {
    const key = `${e.operationId}|${e.step}|${e.attempt}`;
    if (e.edge === "start") {
      open.set(key, e.at);
      return;
    }
    const start = open.get(key);
    open.delete(key);
    if (start !== undefined) this.push(worker, e, start, e.at);
  }

  /** An effect a killed process was running counts as active until the kill. */
  private closeOpen(worker: string, open: Map<string, number>) {
    const end = clock();
    for (const [key, start] of open) {
      const [operationId, step, attempt] = key.split("|");
      this.push(worker, { operationId: operationId!, step: step!, attempt: Number(attempt) }, start, end);
    }
    open.clear();
  }

  private push(
    worker: string,
    e: { operationId: string; step: string; attempt: number },
    start: number,
    end: number,
  ) {
    this.history.push({
      client: `worker:${worker}`,
      op: "effect",
      args: { operationId: e.operationId, step: e.step, attempt: e.attempt, worker },
      start,
      end,
      answer: {},
    });
  }
}
