import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { DashboardPresenter } from "./dashboard-presenter";

/**
 * Synthetic checks (issue 11) are not business: the overview's in-flight and finished counts,
 * lag, accepted and completed per minute, stuck work and retry exhaustion leave them out. One real operation of the same
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
  // In flight beside it: one real operation (the positive control) and synthetic ones in the
  // other in-flight statuses, also of a type that has no real operation in flight at all.
  await insertOperation(sql, {
    type: "demo.noop",
    status: "processing",
    currentStep: "first",
    createdAt: ago(20_000),
  });
  await insertOperation(sql, { type: "demo.noop", status: "accepted", synthetic: true, createdAt: ago(MIN) });
  await insertOperation(sql, {
    type: "demo.noop",
    status: "blocked",
    synthetic: true,
    blockedKind: "retries_exhausted",
    blockedReason: "probe",
    createdAt: ago(3 * MIN),
  });
  await insertOperation(sql, {
    type: "report.export",
    status: "processing",
    synthetic: true,
    createdAt: ago(MIN),
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

  it("leaves them out of the in-flight counts and the accepted per minute", async () => {
    const d = await new DashboardPresenter({ db: t.db, registry: defaultRegistry, now: () => now }).call();
    const noop = d.types.find((x) => x.type === "demo.noop")!;
    expect(noop.counts).toMatchObject({ accepted: 0, processing: 1, blocked: 0 });
    const report = d.types.find((x) => x.type === "report.export")!;
    expect(report.counts).toMatchObject({ accepted: 0, processing: 0, blocked: 0 });
    // The two real operations accepted within the hour; none of the seven synthetic ones.
    expect(d.throughput.reduce((n, p) => n + p.accepted, 0)).toBe(2);
  });
});
