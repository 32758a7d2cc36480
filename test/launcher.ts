/**
 * Runs the real launcher (`scripts/start.ts`) as a child process for a test, collecting what
 * it prints, and reads the process ids it announces.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

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
