/**
 * Runs the real launcher (`scripts/start.ts`) as a child process for a test, collecting what
 * it prints, and reads the process ids it announces.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { freePort } from "@/db/free-port";
import { createTestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";

const ROOT = path.resolve(import.meta.dirname, "..");

export interface Launched {
  child: ChildProcess;
  pid: number;
  /** Everything the launcher and its children printed so far. */
  output(): string;
  exited: Promise<number | null>;
  /** The pid of the latest `<name> started|restarted (pid N)` line. */
  pidOf(name: string): number | undefined;
}

/** `env` entries set to undefined are removed from the launcher's environment. */
export function launch(args: string[], env: Record<string, string | undefined>): Launched {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  // As `npm start` runs it: this process is the launcher itself (the tsx CLI would be a wrapper).
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], {
    cwd: ROOT,
    env: merged,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? 0,
    output: () => output,
    exited,
    pidOf: (name) => {
      const pattern = new RegExp(`${name} (?:started|restarted) \\(pid (\\d+)\\)`, "g");
      const last = [...output.matchAll(pattern)].at(-1);
      return last ? Number(last[1]) : undefined;
    },
  };
}

/** A build check, migrations and Next's start on a busy 2-core box. */
export const WEB_START_MS = 240_000;

export interface LaunchedWeb {
  run: Launched;
  port: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Stops the launcher, drops the database and removes the data folder. */
  close(): Promise<void>;
}

/**
 * The real web process as a production replica runs it (`--only web`) over a database of its
 * own, started and answering: what a test of the web's HTTP behaviour starts in its beforeAll
 * (with WEB_START_MS + 30 s). It needs a production build: npm test makes one first.
 */
export async function launchWeb(env: Record<string, string | undefined>): Promise<LaunchedWeb> {
  const t = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), "tl-web-"));
  const port = await freePort();
  const run = launch(["--only", "web"], {
    DATABASE_URL: t.url,
    PORT: String(port),
    THROUGHLINE_DATA_DIR: dataDir,
    ...env,
  });
  const close = async () => {
    if (run.child.exitCode === null) {
      run.child.kill("SIGTERM");
      await run.exited;
    }
    await t.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await eventually(() => expect(run.output()).toContain("Throughline is running"), {
      timeoutMs: WEB_START_MS,
      intervalMs: 250,
    });
  } catch (error) {
    const output = run.output().slice(-4_000);
    await close();
    throw new Error(`${(error as Error).message}\n--- launcher output ---\n${output}`);
  }
  return { run, port, base: `http://127.0.0.1:${port}`, close };
}

export interface SpawnedWorker {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, and the exit waited for (nothing if it already ended). */
  stop(): Promise<void>;
}

/** The real worker process (scripts/worker.ts) alone, with the test's environment plus `env`. */
export function spawnWorkerProcess(env: Record<string, string>): SpawnedWorker {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: { ...process.env, THROUGHLINE_ROLE: "worker", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
