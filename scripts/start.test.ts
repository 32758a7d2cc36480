/**
 * The launcher as a person runs it: a real process, against this file's own database.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workers } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { launch } from "@/test/launcher";

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
      // A real launcher, tsx compile and the engine's start: slow on a busy 2-core box.
      const row = await eventually(
        async () => {
          const [found] = await t.db.select().from(workers);
          if (!found) throw new Error("no worker row yet");
          return found;
        },
        { timeoutMs: 60_000 },
      );
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
