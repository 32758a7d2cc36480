import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { RUN_QUEUE } from "./queue";
import { type RunJob, RunQueue } from "./run-queue";

let t: TestDatabase;
let runs: RunQueue;

beforeAll(async () => {
  t = await createTestDatabase();
  // No ensureQueues, no worker: what a web process sees on a fresh database.
  runs = new RunQueue({ db: t.db, url: t.url });
});
afterAll(async () => {
  await runs?.close();
  await t?.drop();
});

const jobsFor = (ids: string[]) =>
  t.db.$client<{ id: string }[]>`
    select data->>'operationId' as id from pgboss.job where name = ${RUN_QUEUE} and data->>'operationId' = any(${ids})`;

const starts = (n: number, prefix: string): RunJob[] =>
  Array.from({ length: n }, (_, i) => ({
    data: {
      operationId: `${prefix}${String(i).padStart(12, "0")}`,
      reason: "start",
      workflow: { type: "demo.noop", version: 1 },
    },
  }));

const ids = (jobs: RunJob[]) => jobs.map((j) => j.data.operationId);

describe("RunQueue.enqueue", () => {
  it("writes one job per operation inside the caller's transaction, without any worker", async () => {
    const batch = starts(50, "00000000-0000-4000-8000-");
    await transaction(t.db, (tx) => runs.enqueue(tx, batch));
    expect(await jobsFor(ids(batch))).toHaveLength(50);
  });

  it("writes nothing when the caller's transaction rolls back", async () => {
    const batch = starts(3, "00000000-0000-4000-9000-");
    await expect(
      transaction(t.db, async (tx) => {
        await runs.enqueue(tx, batch);
        throw new Error("intake failed after the job was written");
      }),
    ).rejects.toThrow("intake failed");
    expect(await jobsFor(ids(batch))).toHaveLength(0);
  });
});
