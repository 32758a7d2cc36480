import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { DashboardPresenter } from "./dashboard-presenter";

/**
 * Synthetic checks (issue 11) are not business: the overview's finished counts, lag, throughput
 * of completions, stuck work and retry exhaustion leave them out. One real operation of the same
 * type beside them is the positive control.
 */
let t: TestDatabase;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;

beforeAll(async () => {
  t = await createTestDatabase();
  const sql = t.db.$client;
  await insertOperation(sql, {
    type: "demo.noop",
    status: "completed",
    createdAt: ago(10 * MIN + 2_000),
    completedAt: ago(10 * MIN),
  });
  for (let i = 0; i < 3; i++) {
    await insertOperation(sql, {
      type: "demo.noop",
      status: "completed",
      synthetic: true,
      createdAt: ago(5 * MIN + 60_000),
      completedAt: ago(5 * MIN),
    });
  }
  await insertOperation(sql, {
    type: "demo.noop",
    status: "failed",
    synthetic: true,
    error: { message: "no worker", code: "retries_exhausted" },
    createdAt: ago(20 * MIN),
    completedAt: ago(15 * MIN),
  });
  // A synthetic probe idle far past demo.noop's stuck threshold (60 s).
  await insertOperation(sql, {
    type: "demo.noop",
    status: "processing",
    synthetic: true,
    currentStep: "second",
    createdAt: ago(30 * MIN),
    updatedAt: ago(30 * MIN),
  });
});
afterAll(() => t.drop());

describe("DashboardPresenter.call with synthetic operations", () => {
  it("counts, measures and flags only the real ones", async () => {
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry, now: () => now }).call();
    const noop = d.types.find((x) => x.type === "demo.noop")!;
    expect(noop.counts).toMatchObject({ completed: 1, failed: 0 });
    expect(noop.lag.hour).toMatchObject({ count: 1 });
    expect(noop.lag.hour.p95Ms).toBeCloseTo(2_000, -2);
    expect(noop.lagSeries.hour.reduce((n, p) => n + p.count, 0)).toBe(1);
    expect(noop.stuck).toBe(0);
    expect(noop.retryExhausted.failed24h).toBe(0);
    expect(d.stuck.count).toBe(0);
    expect(d.throughput.reduce((n, p) => n + p.completed + p.failed, 0)).toBe(1);
  });
});
