/**
 * `npm start` when things die, as a person meets it: the real launcher with its web, worker
 * and embedded PostgreSQL, in a data folder of its own.
 *
 * The web needs a production build: the first launch makes one when the sources changed
 * since the last (the build stamp, as Playwright's launcher finds it afterwards); every later
 * launch reuses it. The steps run in order and share one data folder.
 */
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive, listProcesses } from "@/db/embedded-processes";
import { freePort } from "@/db/free-port";
import { eventually } from "@/test/eventually";
import { type Launched, launch } from "@/test/launcher";
import { assertPortFree, LAUNCHER_MARK } from "./lib/leftovers";

const API_KEY = "tl_crash_test_key";
/** A build on 2 busy cores, then migrations, the web and the worker. */
const FIRST_START_MS = 900_000;
const START_MS = 180_000;
const RECOVERY_MS = 120_000;
const BANNER = "Throughline is running";

/** Everything of one launcher's that a crash could leave behind. */
function remainsOf(run: Launched, clusterDir: string): number[] {
  const mark = `${LAUNCHER_MARK}=${run.pid}:`;
  return listProcesses()
    .filter((p) => p.pid === run.pid || p.cwd() === clusterDir || p.environ().some((e) => e.startsWith(mark)))
    .map((p) => p.pid);
}

describe.skipIf(process.platform !== "linux" || process.env.DATABASE_URL)("npm start when things die", () => {
  let dataDir: string;
  let port: number;
  let base: string;
  const runs: Launched[] = [];
  const start = () => {
    const run = launch([], {
      PORT: String(port),
      THROUGHLINE_DATA_DIR: dataDir,
      THROUGHLINE_BOOTSTRAP_API_KEY: API_KEY,
      DATABASE_URL: undefined,
    });
    runs.push(run);
    return run;
  };
  const clusterDir = () => path.join(dataDir, "pg");
  const postmasterPid = () =>
    Number(readFileSync(path.join(clusterDir(), "postmaster.pid"), "utf8").split("\n")[0]);
  const api = (route: string, init?: RequestInit) =>
    fetch(`http://127.0.0.1:${port}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
  /** Runs `check`, adding the launcher's output to a failure. */
  const explained = async (run: Launched, check: () => Promise<void>) => {
    try {
      await check();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- launcher output ---\n${run.output().slice(-6_000)}`);
    }
  };

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "tl-crash-"));
    await chmod(base, 0o755); // the embedded server's OS user (as root) must reach the cluster
    dataDir = path.join(base, "data");
    port = await freePort();
  });
  afterAll(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill("SIGTERM");
        await run.exited;
      }
    }
    await rm(base, { recursive: true, force: true });
  });

  it("says it is running only once the web answers, and serves public/", {
    timeout: FIRST_START_MS + 60_000,
  }, async () => {
    const run = start();
    await explained(run, async () => {
      await eventually(() => expect(run.output()).toContain(BANNER), { timeoutMs: FIRST_START_MS });
      const health = await api("/api/health");
      expect(health.status).toBe(200);
      // public/ is served, so browsers stop asking for an icon in vain.
      const icon = await api("/favicon.ico");
      expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/x-icon"]);
    });
  });

  it("brings back a worker and a PostgreSQL killed outright, and operations complete", {
    timeout: 2 * RECOVERY_MS + 60_000,
  }, async () => {
    const run = runs[0] as Launched;
    await explained(run, async () => {
      const worker = run.pidOf("worker") as number;
      process.kill(worker, "SIGKILL");
      await eventually(() => expect(run.pidOf("worker")).not.toBe(worker), { timeoutMs: RECOVERY_MS });

      const postmaster = postmasterPid();
      process.kill(postmaster, "SIGKILL");
      await eventually(() => expect(run.pidOf("embedded PostgreSQL")).toBeGreaterThan(0), {
        timeoutMs: RECOVERY_MS,
      });

      // The web reconnects on its own: the first requests after the restart may still fail.
      const id = await eventually(
        async () => {
          const response = await api("/api/v1/operations", {
            method: "POST",
            body: JSON.stringify({ type: "demo.noop", input: { note: "after the crashes" } }),
          });
          expect(response.status).toBeLessThan(300);
          return ((await response.json()) as { id: string }).id;
        },
        { timeoutMs: RECOVERY_MS },
      );
      await eventually(
        async () => {
          const response = await api(`/api/v1/operations/${id}`);
          expect(((await response.json()) as { status: string }).status).toBe("completed");
        },
        { timeoutMs: RECOVERY_MS },
      );
      expect(run.child.exitCode).toBeNull();
    });
  });

  it("leaves nothing behind when killed outright, and the next start serves on the same port and data", {
    timeout: RECOVERY_MS + START_MS + 60_000,
  }, async () => {
    const first = runs[0] as Launched;
    const remains = remainsOf(first, clusterDir());
    expect(remains).toEqual(expect.arrayContaining([first.pid, first.pidOf("web"), first.pidOf("worker")]));
    first.child.kill("SIGKILL");
    await explained(first, async () => {
      await eventually(
        async () => {
          expect(remains.filter(isAlive)).toEqual([]);
          expect(remainsOf(first, clusterDir())).toEqual([]);
          await assertPortFree(port);
        },
        { timeoutMs: RECOVERY_MS },
      );
    });

    const second = start();
    await explained(second, async () => {
      await eventually(() => expect(second.output()).toContain(BANNER), { timeoutMs: START_MS });
      expect((await api("/api/health")).status).toBe(200);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
      expect(remainsOf(second, clusterDir())).toEqual([]);
    });
  });
});
