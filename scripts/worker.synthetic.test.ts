import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "@/server/services";
import { type ApiServer, startApiServer } from "@/test/api-server";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { type SpawnedWorker, spawnWorkerProcess } from "@/test/launcher";
import { testServices } from "@/test/services";

/**
 * The real worker process (scripts/worker.ts) runs the synthetic checks with nothing but the
 * environment the launcher gives it: PORT says where the web is (here the public API served over
 * HTTP by the web's own front), THROUGHLINE_SECRET derives the checker's key.
 */
describe("the worker process's synthetic checks", () => {
  let t: TestDatabase;
  let services: Services;
  let api: ApiServer;
  let worker: SpawnedWorker;

  beforeAll(async () => {
    t = await createTestDatabase();
    services = testServices(t);
    api = await startApiServer(services);
    worker = spawnWorkerProcess({
      DATABASE_URL: t.url,
      PORT: new URL(api.baseUrl).port,
      // Only PORT decides here, whatever the test run's own environment says.
      THROUGHLINE_PUBLIC_URL: "",
      THROUGHLINE_SYNTHETIC_URL: "",
      THROUGHLINE_SYNTHETIC_CHECKS: "on",
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await services?.close();
    await t?.drop();
  });

  it("checks demo.noop through http://localhost:$PORT as soon as it starts", async () => {
    const run = await eventually(
      async () => {
        const [row] = await t.db.$client`select * from synthetic_runs where finished_at is not null`;
        if (!row) throw new Error(`no finished run yet; worker output:\n${worker.output().slice(-1_000)}`);
        return row;
      },
      { timeoutMs: 25_000, intervalMs: 100 },
    );
    expect(run).toMatchObject({ workflow_type: "demo.noop", outcome: "passed", error: null });
    expect(worker.output()).toContain(
      `synthetic: checking demo.noop through http://localhost:${new URL(api.baseUrl).port}`,
    );
    const [op] = await t.db.$client`select synthetic, status from operations where id = ${run.operation_id}`;
    expect(op).toMatchObject({ synthetic: true, status: "completed" });
  });
});
