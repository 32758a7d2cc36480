import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { currentCursor, parseCursor, readChanges, seenAt, snapshotOf } from "./feed";

let t: TestDatabase;
let operationId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  operationId = await insertOperation(t.db.$client);
});
afterAll(() => t.drop());

const insertEvent = (sql: postgres.Sql | postgres.TransactionSql, opId: string, step = "s") =>
  sql<
    { id: string }[]
  >`insert into events (operation_id, type, step, actor) values (${opId}, 'step_started', ${step}, 'system')
     returning id`.then((r) => Number(r[0]!.id));

/** A transaction held open until `release()`; `insert()` writes one event inside it. */
async function openTransaction(sql: postgres.Sql) {
  let release!: (commit: boolean) => void;
  const decided = new Promise<boolean>((r) => {
    release = r;
  });
  let inserted!: (id: number) => void;
  const id = new Promise<number>((r) => {
    inserted = r;
  });
  const done = sql
    .begin(async (tx) => {
      inserted(await insertEvent(tx, operationId, "slow"));
      if (!(await decided)) throw new Error("rollback");
    })
    .catch((e: Error) => {
      if (e.message !== "rollback") throw e;
    });
  return {
    id: await id,
    finish: async (commit: boolean) => {
      release(commit);
      await done;
    },
  };
}

describe("readChanges", () => {
  it("delivers an event committed late by a slower transaction that took a lower id", async () => {
    const since = await currentCursor(t.db.$client);
    const slow = await openTransaction(t.db.$client);
    const fastId = await insertEvent(t.db.$client, operationId, "fast");
    expect(slow.id).toBeLessThan(fastId);

    const first = await readChanges(t.db.$client, { since });
    expect(first.events.map((e) => e.step)).toEqual(["fast"]);

    await slow.finish(true);
    const second = await readChanges(t.db.$client, { since: first.cursor });
    // A reader asking only for ids above the last one it saw (fastId) would never get this one.
    expect(second.events.map((e) => [e.id, e.step])).toEqual([[slow.id, "slow"]]);
    expect(second.events[0]!.id).toBeLessThan(fastId);

    const third = await readChanges(t.db.$client, { since: second.cursor });
    expect(third.events).toEqual([]);
  });

  it("says a cursor has seen exactly the events a read from it does not return (seenAt)", async () => {
    const before = await currentCursor(t.db.$client);
    await insertEvent(t.db.$client, operationId, "committed-before");
    const slow = await openTransaction(t.db.$client);
    // Taken while `slow` is in progress: its xid is listed in the snapshot, then it commits.
    const cursor = await currentCursor(t.db.$client);
    await insertEvent(t.db.$client, operationId, "committed-after");
    await slow.finish(true);
    const all = await readChanges(t.db.$client, { since: before, operationId });
    expect(all.events.map((e) => e.step)).toEqual(["committed-before", "slow", "committed-after"]);
    const fromCursor = new Set(
      (await readChanges(t.db.$client, { since: cursor, operationId })).events.map((e) => e.id),
    );
    const snapshot = snapshotOf(cursor);
    expect(all.events.map((e) => [e.step, seenAt(snapshot, e.xid)])).toEqual([
      ["committed-before", true],
      ["slow", false],
      ["committed-after", false],
    ]);
    for (const e of all.events) expect(seenAt(snapshot, e.xid)).toBe(!fromCursor.has(e.id));
  });

  it("never delivers events of a transaction that rolled back", async () => {
    const since = await currentCursor(t.db.$client);
    const aborted = await openTransaction(t.db.$client);
    const first = await readChanges(t.db.$client, { since });
    await aborted.finish(false);
    const second = await readChanges(t.db.$client, { since: first.cursor });
    expect([...first.events, ...second.events]).toEqual([]);
  });

  it("filters by operation and reports an overflow beyond the limit", async () => {
    const other = await insertOperation(t.db.$client);
    const since = await currentCursor(t.db.$client);
    await insertEvent(t.db.$client, operationId, "mine");
    await insertEvent(t.db.$client, other, "theirs");
    await insertEvent(t.db.$client, other, "theirs-again");

    const mine = await readChanges(t.db.$client, { since, operationId });
    expect(mine.events.map((e) => e.step)).toEqual(["mine"]);
    expect(mine.events[0]).toMatchObject({ operationId, type: "step_started" });
    expect(mine.events[0]!.at).toBeInstanceOf(Date);

    const cut = await readChanges(t.db.$client, { since, limit: 2 });
    expect(cut.overflow).toBe(true);
    expect(cut.events).toHaveLength(2);
  });

  it("accepts only snapshot-shaped cursors", () => {
    expect(parseCursor("10:12:10,11")).toBe("10:12:10,11");
    expect(parseCursor("10:10:")).toBe("10:10:");
    expect(parseCursor("10:12:x")).toBeNull();
    expect(parseCursor("'; drop table events; --")).toBeNull();
    expect(parseCursor(42)).toBeNull();
  });

  it("loses nothing under concurrent writers committing out of order", async () => {
    let cursor = await currentCursor(t.db.$client);
    const seen: number[] = [];
    const writers = postgres(t.url, { max: 8, onnotice: () => {} });
    try {
      const written: number[] = [];
      let writing = true;
      const reader = (async () => {
        while (writing) {
          const read = await readChanges(t.db.$client, { since: cursor, operationId });
          seen.push(...read.events.map((e) => e.id));
          cursor = read.cursor;
        }
      })();
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 25; i++) {
            const id = await writers.begin(async (tx) => {
              const inserted = await insertEvent(tx, operationId, `w${w}`);
              // Random think time inside the transaction, so commits land out of id order.
              await new Promise((r) => setTimeout(r, Math.random() * 4));
              return inserted;
            });
            written.push(id);
          }
        }),
      );
      writing = false;
      await reader;
      const last = await readChanges(t.db.$client, { since: cursor, operationId });
      seen.push(...last.events.map((e) => e.id));
      expect([...seen].sort((a, b) => a - b)).toEqual([...written].sort((a, b) => a - b));
    } finally {
      await writers.end();
    }
  });
});
