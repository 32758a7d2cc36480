import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive } from "@/db/embedded-processes";
import { eventually } from "@/test/eventually";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "tl-guard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in launcher: starts three processes in groups of their own, guards two (a child,
 * then a database), forgets the third, prints their pids and waits. Each guarded one writes
 * its name to a file when it is asked to stop; the child takes a moment to do so.
 */
const LAUNCHER = `
import { spawn } from "node:child_process";
import { LauncherGuard } from "./scripts/lib/guard.ts";
const order = process.argv[1];
const run = (script) => spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
const child = run(\`trap 'sleep 1; echo child >> \${order}; exit 0' TERM; while :; do sleep 0.1; done\`);
const database = run(\`trap 'echo database >> \${order}; exit 0' INT; while :; do sleep 0.1; done\`);
const forgotten = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
const guard = new LauncherGuard({ childrenGraceSeconds: 20, databaseGraceSeconds: 20 });
guard.protect(-child.pid, "children");
guard.protect(database.pid, "database");
guard.protect(forgotten.pid, "children")();
console.log(JSON.stringify([child.pid, database.pid, forgotten.pid]));
setInterval(() => {}, 1000);
`;

function startLauncher(order: string): Promise<{ launcher: number; pids: number[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", LAUNCHER, order], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`stand-in launcher exited (${code})`)));
    child.stdout.once("data", (chunk) =>
      resolve({ launcher: child.pid ?? 0, pids: JSON.parse(String(chunk)) }),
    );
  });
}

describe("LauncherGuard", () => {
  it("stops the children, then the database, once the launcher is killed outright; forgotten ones are left", {
    timeout: 90_000,
  }, async () => {
    const order = path.join(dir, "order");
    const { launcher, pids } = await startLauncher(order);
    const [child, database, forgotten] = pids as [number, number, number];
    expect([child, database, forgotten].map(isAlive)).toEqual([true, true, true]);
    process.kill(launcher, "SIGKILL");
    await eventually(() => expect([child, database].filter(isAlive)).toEqual([]), { timeoutMs: 60_000 });
    expect(readFileSync(order, "utf8")).toBe("child\ndatabase\n");
    expect(isAlive(forgotten)).toBe(true);
    process.kill(forgotten, "SIGKILL");
  });
});
