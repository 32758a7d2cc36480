import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { events, operations, steps } from "@/db/schema";
import type { Tx } from "@/db/transaction";
import { type RunJob, RunQueue } from "@/server/engine/run-queue";
import { createServices, type Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";

let t: TestDatabase;
let services: Services;

/** Records start jobs in a real table through the intake transaction, as the engine's queue does. */
class RecordingRuns extends RunQueue {
  override async enqueue(tx: Tx, jobs: RunJob[]): Promise<void> {
    const ids = jobs.map((j) => j.data.operationId);
    await tx.db.execute(
      sql`insert into test_starts (operation_id)
          select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)`,
    );
  }
}

const order = {
  type: "order.fulfill",
  input: {
    orderId: "ord_1",
    customerEmail: "ada@example.com",
    items: [{ sku: "BOOK-1", quantity: 1 }],
    amountCents: 1200,
  },
  subject: "ada@example.com",
  reference: "ord_1",
};

async function counts() {
  const [row] = await t.db.execute<{ ops: number; steps: number; events: number; starts: number }>(sql`
    select (select count(*)::int from operations) as ops, (select count(*)::int from steps) as steps,
           (select count(*)::int from events) as events, (select count(*)::int from test_starts) as starts`);
  return row!;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.execute(sql`create table test_starts (operation_id uuid not null)`);
  services = createServices({ db: t.db, runs: new RecordingRuns({ db: t.db }) });
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.db.execute(sql`truncate operations, test_starts cascade`);
});

describe("IntakeService.call", () => {
  it("records the operation, its planned steps, the accepted event and its start in one commit", async () => {
    const result = await services.intake.call({ request: order, caller: "key:tl_test" });
    expect(result.type).toBe("created");
    if (result.type !== "created") return;

    const [op] = await t.db.select().from(operations).where(eq(operations.id, result.operationId));
    expect(op).toMatchObject({
      type: "order.fulfill",
      version: 1,
      status: "accepted",
      subject: "ada@example.com",
      reference: "ord_1",
      submittedBy: "key:tl_test",
      currentStep: "reserve_stock",
    });
    expect(op!.input).toMatchObject({ currency: "EUR" }); // defaults applied by the workflow schema
    const stepRows = await t.db.select().from(steps).where(eq(steps.operationId, result.operationId));
    expect(stepRows.map((s) => [s.position, s.name, s.status])).toEqual([
      [0, "reserve_stock", "pending"],
      [1, "charge_payment", "pending"],
      [2, "create_shipment", "pending"],
      [3, "send_confirmation", "pending"],
    ]);
    const eventRows = await t.db.select().from(events).where(eq(events.operationId, result.operationId));
    expect(eventRows.map((e) => [e.type, e.actor])).toEqual([["accepted", "key:tl_test"]]);
    expect(await counts()).toEqual({ ops: 1, steps: 4, events: 1, starts: 1 });
  });

  it("writes nothing when the input fails the workflow's schema, and names each field", async () => {
    const result = await services.intake.call({
      request: { ...order, input: { ...order.input, customerEmail: "nope", items: [] } },
      caller: "key:tl_test",
    });
    expect(result.type).toBe("invalid_input");
    if (result.type === "invalid_input") {
      expect(result.issues.map((i) => i.pointer).sort()).toEqual(["/input/customerEmail", "/input/items"]);
    }
    expect(await counts()).toEqual({ ops: 0, steps: 0, events: 0, starts: 0 });
  });

  it("refuses an unknown workflow type and writes nothing", async () => {
    const result = await services.intake.call({
      request: { ...order, type: "nope.nothing" },
      caller: "key:tl_test",
    });
    expect(result).toEqual({ type: "unknown_workflow", workflowType: "nope.nothing" });
    expect(await counts()).toEqual({ ops: 0, steps: 0, events: 0, starts: 0 });
  });

  it("is atomic: a failure after the operation insert leaves nothing behind", async () => {
    class FailingRuns extends RecordingRuns {
      override async enqueue(tx: Tx, jobs: RunJob[]): Promise<void> {
        await super.enqueue(tx, jobs);
        throw new Error("queue unavailable");
      }
    }
    const failing = createServices({ db: t.db, runs: new FailingRuns({ db: t.db }) });
    await expect(failing.intake.call({ request: order, caller: "key:tl_test" })).rejects.toThrow(
      "queue unavailable",
    );
    expect(await counts()).toEqual({ ops: 0, steps: 0, events: 0, starts: 0 });
  });

  it("replays the same operation for the same key and request, and records the replay", async () => {
    const first = await services.intake.call({
      request: order,
      caller: "key:a",
      idempotencyKey: "k1",
    });
    const again = await services.intake.call({
      request: order,
      caller: "key:a",
      idempotencyKey: "k1",
    });
    expect(first.type).toBe("created");
    expect(again.type).toBe("replayed");
    expect(
      again.type === "replayed" && first.type === "created" && again.operationId === first.operationId,
    ).toBe(true);
    const types = (await t.db.select({ type: events.type }).from(events)).map((e) => e.type).sort();
    expect(types).toEqual(["accepted", "intake_replayed"]);
    expect((await counts()).ops).toBe(1);
  });

  it("refuses the same key with a different request, and records the refusal", async () => {
    const first = await services.intake.call({
      request: order,
      caller: "key:a",
      idempotencyKey: "k2",
    });
    const other = await services.intake.call({
      request: { ...order, reference: "ord_2" },
      caller: "key:a",
      idempotencyKey: "k2",
    });
    expect(other).toEqual({
      type: "idempotency_conflict",
      operationId: first.type === "created" ? first.operationId : "",
    });
    const types = (await t.db.select({ type: events.type }).from(events)).map((e) => e.type).sort();
    expect(types).toEqual(["accepted", "intake_conflict"]);
  });

  it("scopes keys to the caller: two callers with one key get two operations", async () => {
    await services.intake.call({ request: order, caller: "key:a", idempotencyKey: "shared" });
    const b = await services.intake.call({
      request: order,
      caller: "key:b",
      idempotencyKey: "shared",
    });
    expect(b.type).toBe("created");
    expect((await counts()).ops).toBe(2);
  });

  it("creates exactly one operation for 50 concurrent identical calls with one key, across processes' writers", async () => {
    // Two independent service stacks stand in for two web processes with their own batching.
    const other = createServices({ db: t.db, runs: new RecordingRuns({ db: t.db }) });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? other : services).intake.call({
          request: order,
          caller: "key:a",
          idempotencyKey: "burst",
        }),
      ),
    );
    const ids = new Set(results.map((r) => ("operationId" in r ? r.operationId : null)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.type === "created")).toHaveLength(1);
    expect(await counts()).toMatchObject({ ops: 1, steps: 4, starts: 1 });
  });

  it("writes concurrent distinct intakes together and keeps each one whole", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        services.intake.call({
          request: { ...order, reference: `ord_${i}` },
          caller: "key:a",
          idempotencyKey: `many-${i}`,
        }),
      ),
    );
    expect(results.every((r) => r.type === "created")).toBe(true);
    expect(await counts()).toEqual({ ops: 40, steps: 160, events: 40, starts: 40 });
  });
});
