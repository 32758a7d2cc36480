import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues, RUN_QUEUE } from "@/server/engine/queue";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { DashboardPresenter } from "./dashboard-presenter";

let t: TestDatabase;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  const sql = t.db.$client;
  // Completed order fulfilments with known lags: 1..10 s in the last hour, 100 s yesterday-ish.
  for (let i = 1; i <= 10; i++) {
    await insertOperation(sql, {
      type: "order.fulfill",
      status: "completed",
      createdAt: ago(20 * MIN + i * 1_000),
      completedAt: ago(20 * MIN),
    });
  }
  await insertOperation(sql, {
    type: "order.fulfill",
    status: "completed",
    createdAt: ago(5 * 3_600_000 + 100_000),
    completedAt: ago(5 * 3_600_000),
  });
  // Finished more than a day ago: not in the 24 h counts.
  await insertOperation(sql, {
    type: "order.fulfill",
    status: "completed",
    createdAt: ago(30 * 3_600_000),
    completedAt: ago(30 * 3_600_000),
  });
  await insertOperation(sql, {
    type: "order.fulfill",
    status: "failed",
    error: { message: "carrier down", code: "retries_exhausted" },
    createdAt: ago(50 * MIN),
    completedAt: ago(40 * MIN),
  });
  ids.oldBlock = await insertOperation(sql, {
    type: "order.fulfill",
    status: "blocked",
    reference: "ord_blocked_old",
    currentStep: "create_shipment",
    blockedKind: "retries_exhausted",
    blockedReason: 'Retries exhausted after 5 attempts of "Create shipment": carrier down',
    actionRequired: "Fix the cause, then resume the operation.",
    createdAt: ago(3 * 3_600_000),
    updatedAt: ago(2 * 3_600_000),
  });
  ids.newBlock = await insertOperation(sql, {
    type: "order.fulfill",
    status: "blocked",
    currentStep: "charge_payment",
    blockedKind: "awaiting_person",
    blockedReason: "High risk score",
    actionRequired: "Review the customer",
    createdAt: ago(10 * MIN),
  });
  ids.stuck = await insertOperation(sql, {
    type: "order.fulfill",
    status: "processing",
    currentStep: "charge_payment",
    createdAt: ago(60 * MIN),
    updatedAt: ago(30 * MIN),
    steps: [
      { name: "reserve_stock", status: "succeeded", attempts: 1 },
      { name: "charge_payment", status: "retrying", attempts: 2 },
    ],
  });
  await insertOperation(sql, {
    type: "order.fulfill",
    status: "processing",
    currentStep: "reserve_stock",
    createdAt: ago(1_000),
  });
  await insertOperation(sql, { type: "demo.noop", status: "accepted", createdAt: ago(500) });
});
afterAll(() => t.drop());

describe("DashboardPresenter.call", () => {
  it("counts each type in the five statuses: in flight now, finished in the last 24 h", async () => {
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry, now: () => now }).call();
    const order = d.types.find((x) => x.type === "order.fulfill")!;
    expect(order.counts).toEqual({ accepted: 0, processing: 2, blocked: 2, completed: 11, failed: 1 });
    expect(order.title).toBe("Fulfil an order");
    expect(d.types.find((x) => x.type === "demo.noop")!.counts.accepted).toBe(1);
    expect(d.totals.completed).toBe(11);
    expect(d.cursor).toMatch(/^\d+:\d+:/);
  });

  it("groups the blocked inbox by cause, the newest incident first, with count, first and last seen", async () => {
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry, now: () => now }).call();
    expect(d.inbox.groups.map((g) => [g.kind, g.step, g.count])).toEqual([
      ["awaiting_person", "charge_payment", 1],
      ["retries_exhausted", "create_shipment", 1],
    ]);
    expect(d.inbox.groups[1]).toMatchObject({
      type: "order.fulfill",
      reason: 'Retries exhausted after 5 attempts of "Create shipment": carrier down',
      actionRequired: "Fix the cause, then resume the operation.",
    });
    expect(d.inbox.groups[1]!.firstSeen.getTime()).toBe(ago(2 * 3_600_000).getTime());
    expect(d.inbox.groups[1]!.lastSeen.getTime()).toBe(ago(2 * 3_600_000).getTime());
  });

  it("finds stuck work by each workflow's threshold, and retry exhaustion", async () => {
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry, now: () => now }).call();
    expect(d.stuck.count).toBe(1);
    expect(d.stuck.items[0]).toMatchObject({
      id: ids.stuck,
      currentStep: "charge_payment",
      thresholdMs: 10 * MIN,
    });
    const order = d.types.find((x) => x.type === "order.fulfill")!;
    expect(order.stuck).toBe(1);
    expect(order.retryExhausted).toEqual({ blocked: 1, failed24h: 1 });
    expect(d.stuck.atLeast).toBe(false);
  });

  it("measures completion lag over the last hour and day, with a series for the chart", async () => {
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry, now: () => now }).call();
    const { lag, lagSeries } = d.types.find((x) => x.type === "order.fulfill")!;
    expect(lag.hour.count).toBe(10);
    expect(lag.hour.p50Ms).toBeCloseTo(5_500, -1);
    expect(lag.hour.p95Ms).toBeGreaterThan(9_000);
    expect(lag.day.count).toBe(11);
    expect(lagSeries.hour).toHaveLength(30);
    expect(lagSeries.day).toHaveLength(24);
    expect(lagSeries.hour.reduce((n, p) => n + p.count, 0)).toBe(10);
    expect(lagSeries.day.reduce((n, p) => n + p.count, 0)).toBe(11);
  });

  it("shows throughput per minute and the run queue next to it", async () => {
    await ensureQueues(t.url);
    await t.db.$client`insert into pgboss.job (name, data, state, start_after) values
      (${RUN_QUEUE}, '{}', 'created', now() - interval '3 seconds'),
      (${RUN_QUEUE}, '{}', 'retry', now() + interval '1 minute'),
      (${RUN_QUEUE}, '{}', 'active', now())`;
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry }).call();
    expect(d.queue).toMatchObject({ ready: 1, deferred: 1, active: 1, dead: 0 });
    expect(d.queue!.oldestReadyMs).toBeGreaterThan(2_000);
    expect(d.throughput).toHaveLength(60);
    expect(d.throughput.reduce((n, p) => n + p.accepted, 0)).toBeGreaterThanOrEqual(2);
    expect(d.throughput.reduce((n, p) => n + p.completed, 0)).toBe(10);
  });
});
