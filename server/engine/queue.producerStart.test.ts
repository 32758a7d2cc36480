import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { ensureQueues, JobProducer, RUN_QUEUE } from "./queue";

/**
 * The job producer starts inside the first transactions that write a job. With every pooled
 * connection held by one of them, a start that needed the pool waited forever: a burst of
 * pool-size callbacks on a fresh web deadlocked (found by the callbacks bench). It starts on a
 * connection of its own, so the burst commits.
 */
let t: TestDatabase;
let db: Db;
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureQueues(t.url);
  db = createDb(t.url, { max: 2 });
});
afterAll(async () => {
  await db?.$client.end();
  await t?.drop();
});

describe("JobProducer's first start", () => {
  it("does not wait for the pool while every pooled connection is in a transaction that writes a job", async () => {
    const producer = new JobProducer({ db, url: t.url });
    try {
      const writers = Array.from({ length: 6 }, (_, i) =>
        transaction(db, (tx) =>
          producer.insert(tx, RUN_QUEUE, [
            { data: { operationId: `00000000-0000-7000-8000-00000000000${i}` } },
          ]),
        ),
      );
      await Promise.all(writers);
      const [row] = await db.$client<{ n: number }[]>`
        select count(*)::int as n from pgboss.job where name = ${RUN_QUEUE}`;
      expect(row!.n).toBe(6);
    } finally {
      await producer.close();
    }
  }, 60_000);
});
