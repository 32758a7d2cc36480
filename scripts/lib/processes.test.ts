import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
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
    ready: async () => {
      while (!existsSync(readyFile)) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

const IGNORES_SIGTERM = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)";
const STOPS_ON_SIGTERM = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)";

describe("Supervisor", () => {
  it("reports a service that exits on its own, with its code", async () => {
    let reported!: (exit: ChildExit) => void;
    const exited = new Promise<ChildExit>((resolve) => {
      reported = resolve;
    });
    const supervisor = new Supervisor(() => {}, reported);
    supervisor.startService(nodeChild("worker", "process.exitCode = 3"));
    expect(await exited).toEqual({ name: "worker", code: 3, signal: null });
  });

  it("stops services with SIGTERM and does not report those exits", async () => {
    const onUnexpectedExit = vi.fn();
    const supervisor = new Supervisor(() => {}, onUnexpectedExit);
    const spec = nodeChild("web", STOPS_ON_SIGTERM);
    const child = supervisor.startService(spec);
    await spec.ready();
    await supervisor.stopAll(10_000);
    expect(child.exitCode).toBe(0);
    expect(onUnexpectedExit).not.toHaveBeenCalled();
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
