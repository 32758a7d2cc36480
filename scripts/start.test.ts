/**
 * The launcher as a person runs it: a real process, against this file's own database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workers } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";

const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[], env: Record<string, string>): Launched {
  const child = spawn(TSX, ["scripts/start.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
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
  return { child, output: () => output, exited };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("scripts/start.ts --only worker", () => {
  let t: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), "tl-start-"));
  });
  afterAll(async () => {
    await t?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts a worker that announces itself, and on SIGTERM records the stop and exits 0", {
    timeout: 90_000,
  }, async () => {
    const run = launch(["--only", "worker"], {
      DATABASE_URL: t.url,
      THROUGHLINE_DATA_DIR: dataDir,
      THROUGHLINE_BOOTSTRAP_API_KEY: "tl_test_key",
    });
    try {
      const row = await until(async () => {
        const [found] = await t.db.select().from(workers);
        return found;
      }, 45_000); // a real launcher, tsx compile and the engine's start: slow on a busy 2-core box
      expect(row.stoppedAt).toBeNull();

      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
      const [after] = await t.db.select().from(workers);
      expect(after?.stoppedAt).toBeInstanceOf(Date);
    } catch (error) {
      run.child.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n--- launcher output ---\n${run.output()}`);
    }
  });

  it("exits 1 with one sentence and no stack trace when DATABASE_URL does not answer", async () => {
    const run = launch(["--only", "worker"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/x",
      THROUGHLINE_DATA_DIR: dataDir,
    });
    expect(await run.exited).toBe(1);
    const output = run.output().trim();
    expect(output).toMatch(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/x .*\.$/);
    expect(output).not.toContain("\n");
  });
});
