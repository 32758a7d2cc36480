import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { COUNT_BOUND, SearchPresenter } from "./search-presenter";

let t: TestDatabase;
let search: SearchPresenter;
const ids: Record<string, string> = {};
const base = Date.parse("2026-02-01T09:00:00Z");
const at = (minutes: number) => new Date(base + minutes * 60_000);

beforeAll(async () => {
  t = await createTestDatabase();
  search = new SearchPresenter(t.db, defaultRegistry);
  const sql = t.db.$client;
  ids.ada = await insertOperation(sql, {
    type: "order.fulfill",
    status: "completed",
    reference: "ord_1001",
    subject: "Ada@Example.com",
    idempotencyKey: "idem-ada-1",
    createdAt: at(0),
    completedAt: at(2),
  });
  ids.grace = await insertOperation(sql, {
    type: "order.fulfill",
    status: "failed",
    reference: "ord_1002",
    subject: "grace@example.com",
    error: { message: "Card declined by issuer", code: "declined" },
    createdAt: at(1),
    completedAt: at(3),
  });
  ids.blocked = await insertOperation(sql, {
    type: "order.fulfill",
    status: "blocked",
    reference: "ord_1003",
    subject: "ada@example.com",
    currentStep: "create_shipment",
    blockedKind: "retries_exhausted",
    blockedReason: "Retries exhausted: carrier unavailable",
    actionRequired: "Resume",
    createdAt: at(2),
  });
  ids.retrying = await insertOperation(sql, {
    type: "order.fulfill",
    status: "processing",
    reference: "ord_1004",
    currentStep: "charge_payment",
    createdAt: at(3),
    steps: [
      { name: "reserve_stock", status: "succeeded", attempts: 1 },
      {
        name: "charge_payment",
        status: "retrying",
        attempts: 2,
        lastError: { message: "gateway timeout after 15 s" },
      },
    ],
  });
  ids.synthetic = await insertOperation(sql, {
    type: "demo.noop",
    synthetic: true,
    reference: "probe-1",
    createdAt: at(4),
  });
  ids.hopper = await insertOperation(sql, {
    type: "order.fulfill",
    status: "completed",
    reference: "ORD-7Q2X",
    subject: "grace.hopper@example.com",
    createdAt: at(5),
    completedAt: at(6),
  });
  for (let i = 0; i < 7; i++) {
    await insertOperation(sql, {
      type: "demo.noop",
      status: "completed",
      createdAt: at(10 + i),
      completedAt: at(30 - i),
    });
  }
});
afterAll(() => t.drop());

const found = async (q: string) => (await search.call({ q })).rows.map((r) => [r.id, r.matched]);

describe("SearchPresenter.call", () => {
  it("finds an operation by id, the start of its id, reference, subject in any case and idempotency key", async () => {
    expect(await found(ids.grace!)).toEqual([[ids.grace, "id"]]);
    expect(await found(ids.grace!.slice(0, 13))).toContainEqual([ids.grace, "id"]);
    expect(await found("ord_1002")).toEqual([[ids.grace, "reference"]]);
    expect(await found("ADA@example.COM")).toEqual([
      [ids.blocked, "subject"],
      [ids.ada, "subject"],
    ]);
    expect(await found("idem-ada-1")).toEqual([[ids.ada, "idempotency_key"]]);
  });

  it("finds a customer email and a reference by their start, in any case", async () => {
    expect(await found("GRACE.HOPPER")).toEqual([[ids.hopper, "subject"]]);
    expect(await found("ord-7q")).toEqual([[ids.hopper, "reference"]]);
    expect((await found("ORD_100")).map(([id]) => id)).toEqual([
      ids.retrying,
      ids.blocked,
      ids.grace,
      ids.ada,
    ]);
    expect(await found("ord_1002")).toEqual([[ids.grace, "reference"]]);
    // A LIKE wildcard typed in the box is a character, not "anything".
    expect(await found("ord_10_2")).toEqual([]);
    expect(await found("ord%")).toEqual([]);
  });

  it("counts the matches, and says 'more than' past the bound", async () => {
    expect((await search.call({ q: "ord_100", limit: 2 })).total).toEqual({ count: 4, atLeast: false });
    expect((await search.call({ q: "ord_100" })).total).toEqual({ count: 4, atLeast: false });
    expect(
      (
        await search.call({
          q: "ord_100",
          limit: 2,
          cursor: (await search.call({ q: "ord_100", limit: 2 })).next,
        })
      ).total,
    ).toEqual({ count: 4, atLeast: false });
    expect((await search.call({ q: "nothing-like-this" })).total).toEqual({ count: 0, atLeast: false });
    const sql = t.db.$client;
    // Copies of one operation with their own reference (generated columns left to the database).
    const columns = await sql<{ name: string }[]>`
      select column_name as name from information_schema.columns
      where table_name = 'operations' and table_schema = current_schema() and is_generated = 'NEVER'
        and column_name not in ('id', 'reference', 'idempotency_key')`;
    const list = sql.unsafe(columns.map((c) => `"${c.name}"`).join(", "));
    await sql`
      insert into operations (id, reference, ${list})
      select gen_random_uuid(), 'many_' || i, ${list}
      from operations o, generate_series(1, ${COUNT_BOUND + 1}) i where o.id = ${ids.ada!}`;
    try {
      const many = await search.call({ q: "MANY_", limit: 5 });
      expect(many.rows).toHaveLength(5);
      expect(many.total).toEqual({ count: COUNT_BOUND, atLeast: true });
      // Narrowed by a filter, a capped prefix still cannot claim an exact count.
      const narrowed = await search.call({ q: "many_", statuses: ["completed"], limit: 5 });
      expect(narrowed.total.atLeast).toBe(true);
      const few = await search.call({ q: "many_", type: "order.fulfill", statuses: ["completed"] });
      expect(few.rows.length).toBe(50);
      expect((await search.call({ q: "many_", statuses: ["failed"] })).total).toEqual({
        count: 0,
        atLeast: true,
      });
      expect((await search.call({ q: "many_99", limit: 5 })).total).toEqual({ count: 11, atLeast: false });
    } finally {
      await sql`delete from operations where reference like 'many\_%'`;
    }
  });

  it("finds error text in failures, block reasons and the last error of a retrying step", async () => {
    expect(await found("declined")).toEqual([[ids.grace, "error"]]);
    expect(await found("carrier unavail")).toEqual([[ids.blocked, "error"]]);
    expect(await found("GATEWAY TIMEOUT")).toEqual([[ids.retrying, "error"]]);
    expect(await found("100%")).toEqual([]);
  });

  it("shows why an operation is stuck and which step it is on", async () => {
    const [row] = (await search.call({ q: "ord_1003" })).rows;
    expect(row).toMatchObject({
      status: "blocked",
      problem: "Retries exhausted: carrier unavailable",
      currentStep: "create_shipment",
      currentStepTitle: "Create shipment",
      blockedKind: "retries_exhausted",
    });
    expect(row!.createdAt).toBeInstanceOf(Date);
  });

  it("filters by type, status, current step, synthetic and time range", async () => {
    const idsOf = async (req: Parameters<SearchPresenter["call"]>[0]) =>
      (await search.call(req)).rows.map((r) => r.id);
    expect(await idsOf({ type: "order.fulfill", statuses: ["failed", "blocked"] })).toEqual([
      ids.blocked,
      ids.grace,
    ]);
    expect(await idsOf({ step: "charge_payment" })).toEqual([ids.retrying]);
    expect(await idsOf({ synthetic: true })).toEqual([ids.synthetic]);
    expect(await idsOf({ from: at(1), to: at(3), type: "order.fulfill" })).toEqual([ids.blocked, ids.grace]);
    expect(await idsOf({ q: "ada@example.com", statuses: ["completed"] })).toEqual([ids.ada]);
  });

  it("pages with a keyset cursor in every sort without repeating or skipping", async () => {
    for (const sort of ["accepted_desc", "accepted_asc", "finished_desc", "finished_asc"] as const) {
      const all = (await search.call({ sort, limit: 100 })).rows.map((r) => r.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await search.call({ sort, limit: 3, cursor });
        paged.push(...page.rows.map((r) => r.id));
        cursor = page.next;
      } while (cursor);
      expect(paged).toEqual(all);
      expect(new Set(paged).size).toBe(paged.length);
    }
    const finished = (await search.call({ sort: "finished_asc", limit: 100 })).rows;
    expect(finished.every((r) => r.completedAt)).toBe(true);
    expect(finished.map((r) => r.completedAt!.getTime())).toEqual(
      [...finished.map((r) => r.completedAt!.getTime())].sort((a, b) => a - b),
    );
  });

  it("ignores a forged cursor instead of failing", async () => {
    const page = await search.call({ cursor: "not-a-cursor", limit: 2 });
    expect(page.rows).toHaveLength(2);
  });
});
