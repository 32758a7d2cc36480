import { sql as dsql, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workers } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type Queryable, transaction } from "./transaction";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("transaction", () => {
  it("commits what both faces wrote, on one connection", async () => {
    const pids = await transaction(t.db, async (tx) => {
      const [a] = await tx.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const [b] = (await tx.db.execute<{ pid: number }>(dsql`select pg_backend_pid() as pid`)) as unknown as {
        pid: number;
      }[];
      return [a!.pid, b!.pid];
    });
    expect(pids[0]).toBe(pids[1]);
  });

  it("rolls back both faces when the function throws", async () => {
    await t.db.$client`create table tx_probe (id int primary key)`;
    await expect(
      transaction(t.db, async (tx) => {
        await tx.sql`insert into tx_probe values (1)`;
        await tx.db.execute(dsql`insert into tx_probe values (2)`);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const rows = await t.db.$client`select id from tx_probe`;
    expect(rows).toHaveLength(0);
  });

  it("reads rows on the drizzle face as the pool's face does (timestamps as Dates)", async () => {
    await t.db.insert(workers).values({ id: "w-probe", host: "h", pid: 1 });
    const outside = await t.db.select().from(workers).where(eq(workers.id, "w-probe"));
    const inside = await transaction(t.db, (tx) =>
      tx.db.select().from(workers).where(eq(workers.id, "w-probe")),
    );
    expect(inside[0]?.startedAt).toBeInstanceOf(Date);
    expect(inside).toEqual(outside);
  });

  it("accepts the pool wherever a Queryable is asked for", async () => {
    const count = async (q: Queryable) => (await q.select().from(workers)).length;
    expect(await count(t.db)).toBe(await transaction(t.db, (tx) => count(tx.db)));
  });
});
