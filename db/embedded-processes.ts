/**
 * The process table, read from /proc, for finding what an earlier run left behind: every
 * process of an embedded cluster (the postmaster and its children all work in the cluster's
 * folder) and the children of a launcher that was killed (they carry its mark in their
 * environment). Where /proc is missing (macOS) nothing is found and only pid files help.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  /** The working directory, or null when it cannot be read (gone, or not ours to read). */
  cwd(): string | null;
  /** The environment the process started with. */
  environ(): string[];
}

/** Every process this user can see, except the caller. */
export function listProcesses(): ProcessInfo[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .map((name) => ({
      pid: Number(name),
      cwd: () => attempt(() => readlinkSync(`/proc/${name}/cwd`), null),
      environ: () => attempt(() => readFileSync(`/proc/${name}/environ`, "utf8").split("\0"), []),
    }));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends `signal` to a pid (or, negative, a process group); false when it is already gone. */
export function signal(target: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(target, name);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true once every target is gone, false at the deadline. */
export async function waitUntilGone(targets: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (targets.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** A pause that does not keep the process alive on its own (a launcher may exit meanwhile). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Asks the targets to stop with `first`, and kills whatever is left after `graceMs`.
 * Targets are pids, or negative process-group ids.
 */
export async function stopAll(targets: number[], first: NodeJS.Signals, graceMs: number): Promise<void> {
  const alive = targets.filter((target) => signal(target, first));
  if (await waitUntilGone(alive, graceMs)) return;
  for (const target of alive) signal(target, "SIGKILL");
  await waitUntilGone(alive, 10_000);
}

function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
