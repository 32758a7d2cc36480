import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The process listening on `port` (the web server's node, not the launcher that started it). */
export function listenerPid(port: number): number {
  const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process listens on ${port}: ${out}`);
  return Number(pid);
}

/** Resident memory of one process, in MB (NaN once it is gone). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * Samples the RSS of `pids` every 250 ms while `during` runs; resolves with its result and the
 * peak of each process — the figure a memory limit has to hold.
 */
export async function peakRss<T>(
  pids: number[],
  during: Promise<T>,
): Promise<{ result: T; peakMb: number[] }> {
  const peakMb = pids.map((pid) => rssMb(pid));
  const timer = setInterval(() => {
    pids.forEach((pid, i) => {
      const now = rssMb(pid);
      if (now > peakMb[i]! || Number.isNaN(peakMb[i]!)) peakMb[i] = now;
    });
  }, 250);
  try {
    return { result: await during, peakMb };
  } finally {
    clearInterval(timer);
  }
}
