import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { RunDispatcher } from "./dispatch";
import { RUN_QUEUE } from "./queue";

let t: TestDatabase;
let dispatcher: RunDispatcher;

beforeAll(async () => {
  t = await createTestDatabase();
  // No ensureQueues, no worker: what a web process sees on a fresh database.
  dispatcher = new RunDispatcher({ db: t.db, url: t.url });
});
afterAll(async () => {
  await dispatcher?.close();
  await t?.drop();
});

const jobsFor = (ids: string[]) =>
  t.db.$client<{ id: string }[]>`
    select data->>'operationId' as id from pgboss.job where name = ${RUN_QUEUE} and data->>'operationId' = any(${ids})`;

const starts = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(12, "0")}`,
    type: "demo.noop",
    version: 1,
  }));

describe("RunDispatcher.dispatchStarts", () => {
  it("writes one job per accepted operation inside the intake transaction, without any worker", async () => {
    const batch = starts(50, "00000000-0000-4000-8000-");
    await transaction(t.db, (tx) => dispatcher.dispatchStarts(tx, batch));
    expect(await jobsFor(batch.map((s) => s.id))).toHaveLength(50);
  });

  it("writes nothing when the intake transaction rolls back", async () => {
    const batch = starts(3, "00000000-0000-4000-9000-");
    await expect(
      transaction(t.db, async (tx) => {
        await dispatcher.dispatchStarts(tx, batch);
        throw new Error("intake failed after the job was written");
      }),
    ).rejects.toThrow("intake failed");
    expect(await jobsFor(batch.map((s) => s.id))).toHaveLength(0);
  });
});
