/** What the fleet knows of each process it runs, and its small helpers (logs, free ports). */
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeSync } from "node:fs";

export type WorkflowSet = "" | "chaos-next";

export interface Proc {
  kind: "web" | "worker";
  name: string;
  pid: number;
  set: WorkflowSet;
  /** Web only: where it listens. */
  port?: number;
  ready: boolean;
  /** Requests sent to it and not yet answered (webs). */
  inFlight: number;
  /** Set before the fleet signals it, so its exit is not counted as unexpected. */
  intended: boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  child: ChildProcess;
}

export interface FleetCounts {
  workerStarts: number;
  webStarts: number;
  kills: number;
  workersRolled: number;
  websRolled: number;
  /** Running processes that exited without being told to (crashed). */
  crashes: string[];
  /** Starts that ended before the process was up (a worker that could not reach the database). */
  failedStarts: number;
}

export function appendLog(fd: number, chunk: Buffer): void {
  try {
    writeSync(fd, chunk);
  } catch {
    // the log is best effort
  }
}

/** The reason a crashed process gave: the first line of its last error, from its log. */
export function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").slice(-12);
    const error = lines.find((l) => /\b\w*Error\b/.test(l)) ?? lines.at(-1) ?? "";
    return error.trim().slice(0, 120);
  } catch {
    return "no log";
  }
}
