import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withSpawnsInOwnProcessGroup } from "./own-process-group";

/** Field 5 of /proc/<pid>/stat is the process group id. */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

async function spawnSleeper(): Promise<{ pid: number; pgid: number }> {
  const child = spawn("sleep", ["5"], { stdio: "ignore" });
  const pid = child.pid!;
  const pgid = processGroupOf(pid);
  child.kill("SIGKILL");
  return { pid, pgid };
}

describe.skipIf(process.platform !== "linux")("withSpawnsInOwnProcessGroup", () => {
  it("starts children spawned inside it as leaders of their own process group", async () => {
    const inside = await withSpawnsInOwnProcessGroup(spawnSleeper);
    expect(inside.pgid).toBe(inside.pid);
  });

  it("restores spawn afterwards: children share the parent's group again", async () => {
    await withSpawnsInOwnProcessGroup(async () => {});
    const after = await spawnSleeper();
    expect(after.pgid).toBe(processGroupOf(process.pid));
  });
});
