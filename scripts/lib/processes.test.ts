import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { eventually } from "@/test/eventually";
import { type ChildExit, type ChildSpec, Supervisor } from "./processes";

const dir = mkdtempSync(path.join(tmpdir(), "tl-supervisor-"));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A node child running `code`, then touching a file so the test knows its handlers are in place. */
function nodeChild(name: string, code: string): ChildSpec & { ready: () => Promise<void> } {
  const readyFile = path.join(dir, `ready-${counter++}`);
  const script = `${code}; require("node:fs").writeFileSync(${JSON.stringify(readyFile)}, "");`;
  return {
    name,
    command: process.execPath,
    args: ["-e", script],
    env: process.env,
    ready: () =>
      eventually(
        () => {
          if (!existsSync(readyFile)) throw new Error(`${name} has not set its handlers up yet`);
        },
        { intervalMs: 20 },
      ),
  };
}

const IGNORES_SIGTERM = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)";
const STOPS_ON_SIGTERM = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)";

const QUICK = { limit: 3, windowMs: 60_000, firstDelayMs: 10, maxDelayMs: 20 };

describe("Supervisor", () => {
  it("restarts a service that exits on its own, saying so each time, and gives up after repeated crashes", async () => {
    let gaveUp!: (exit: ChildExit) => void;
    const givenUp = new Promise<ChildExit>((resolve) => {
      gaveUp = resolve;
    });
    const lines: string[] = [];
    const supervisor = new Supervisor((line) => lines.push(line), gaveUp, QUICK);
    supervisor.startService(nodeChild("worker", "process.exitCode = 3"));
    expect(await givenUp).toEqual({ name: "worker", code: 3, signal: null });
    expect(
      lines.filter((line) => /^worker exited unexpectedly \(exit 3\): restarting/.test(line)),
    ).toHaveLength(2);
    expect(lines.filter((line) => /^worker restarted \(pid \d+\)$/.test(line))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^worker exited unexpectedly \(exit 3\), 3 times within 60 s: giving up$/);
  });

  it("restarts a service killed with SIGKILL, and keeps the new one running", async () => {
    const onGiveUp = vi.fn();
    const lines: string[] = [];
    const supervisor = new Supervisor((line) => lines.push(line), onGiveUp, QUICK);
    const first = supervisor.startService(nodeChild("web", STOPS_ON_SIGTERM));
    first.kill("SIGKILL");
    await eventually(() =>
      expect(lines).toContainEqual(expect.stringMatching(/^web restarted \(pid \d+\)$/)),
    );
    await supervisor.stopAll(10_000);
    expect(lines).toContainEqual(expect.stringMatching(/^web exited unexpectedly \(signal SIGKILL\)/));
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it("stops services with SIGTERM and neither restarts nor reports them", async () => {
    const onGiveUp = vi.fn();
    const lines: string[] = [];
    const supervisor = new Supervisor((line) => lines.push(line), onGiveUp, QUICK);
    const spec = nodeChild("web", STOPS_ON_SIGTERM);
    const child = supervisor.startService(spec);
    await spec.ready();
    await supervisor.stopAll(10_000);
    expect(child.exitCode).toBe(0);
    expect(onGiveUp).not.toHaveBeenCalled();
    expect(lines.filter((line) => line.includes("restart"))).toEqual([]);
  });

  it("kills a service that ignores SIGTERM once the grace period is over", async () => {
    const log = vi.fn();
    const supervisor = new Supervisor(log, () => {});
    const spec = nodeChild("stubborn", IGNORES_SIGTERM);
    const child = supervisor.startService(spec);
    await spec.ready();
    await supervisor.stopAll(500);
    expect(child.signalCode).toBe("SIGKILL");
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/stubborn did not stop within 0.5 s/));
  });

  it("runs a task to completion and refuses new children once stopping", async () => {
    const supervisor = new Supervisor(
      () => {},
      () => {},
    );
    expect(await supervisor.runTask(nodeChild("build", "process.exitCode = 0"))).toBe(0);
    expect(await supervisor.runTask(nodeChild("build", "process.exitCode = 2"))).toBe(2);
    await supervisor.stopAll(100);
    expect(supervisor.isStopping).toBe(true);
    expect(() => supervisor.startService(nodeChild("late", ""))).toThrow(/shutting down/);
  });
});
