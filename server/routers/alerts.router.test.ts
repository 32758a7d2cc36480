import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateAlerts } from "@/server/alerts/evaluate";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_OPERATOR, TEST_SUPPORT } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
const ids: string[] = [];
const as = (principal: typeof TEST_OPERATOR | typeof TEST_SUPPORT) =>
  createCaller(createContextInner({ principal, services }));

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  // A live worker, so the fleet-wide rule stays quiet; three orders out of attempts, oldest first.
  await t.db.$client`insert into workers (id, host, pid, last_seen_at) values ('w1', 'h', 1, now())`;
  for (let i = 0; i < 3; i++)
    ids.push(
      await insertOperation(t.db.$client, {
        type: "order.fulfill",
        status: "blocked",
        reference: `ord_alert_${i}`,
        currentStep: "charge_payment",
        blockedKind: "retries_exhausted",
        blockedReason: "Retries exhausted",
        updatedAt: new Date(Date.now() - (10 - i) * 60_000),
      }),
    );
  await evaluateAlerts({ db: t.db, registry: defaultRegistry });
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

async function refusal(p: Promise<unknown>) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("alerts router", () => {
  it("lists the firing alert, counts it, and filters by state, rule and type", async () => {
    const list = await as(TEST_SUPPORT).alerts.list({});
    expect(list.firing).toBe(1);
    expect(list.open).toHaveLength(1);
    expect(list.open[0]).toMatchObject({
      rule: "retries_exhausted",
      workflowType: "order.fulfill",
      affectedCount: 3,
    });
    expect((await as(TEST_SUPPORT).alerts.list({ rule: "stuck" })).open).toHaveLength(0);
    expect((await as(TEST_SUPPORT).alerts.list({ type: "demo.noop" })).open).toHaveLength(0);
    expect((await as(TEST_SUPPORT).alerts.list({ state: "resolved" })).open).toHaveLength(0);
  });

  it("get: history, the oldest affected operations in order, the filter that finds them all, the runbook", async () => {
    const [row] = (await as(TEST_SUPPORT).alerts.list({})).open;
    const alert = await as(TEST_SUPPORT).alerts.get({ alertId: row!.id });
    expect(alert.history.map((h) => h.kind)).toEqual(["fired"]);
    expect(alert.affected.oldest.map((o) => o.reference)).toEqual([
      "ord_alert_0",
      "ord_alert_1",
      "ord_alert_2",
    ]);
    expect(alert.affectedFilter).toEqual({
      workflowType: "order.fulfill",
      statuses: ["blocked"],
      blockedKind: "retries_exhausted",
      synthetic: false,
    });
    expect(alert.runbook).toBe(defaultRegistry.latest("order.fulfill")!.runbook);
  });

  it("acknowledge with a note (operator), then silence; support may not; the counts follow", async () => {
    const [row] = (await as(TEST_OPERATOR).alerts.list({})).open;
    const alertId = row!.id;
    expect((await refusal(as(TEST_SUPPORT).alerts.acknowledge({ alertId, reason: "on it" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await refusal(as(TEST_OPERATOR).alerts.acknowledge({ alertId, reason: " " }))).code).toBe(
      "BAD_REQUEST",
    );
    await as(TEST_OPERATOR).alerts.acknowledge({ alertId, reason: "Payments provider is down, on it" });
    const acked = await as(TEST_SUPPORT).alerts.get({ alertId });
    expect(acked).toMatchObject({
      state: "acknowledged",
      acknowledgeNote: "Payments provider is down, on it",
    });
    expect((await as(TEST_SUPPORT).alerts.list({})).firing).toBe(0);
    expect((await as(TEST_SUPPORT).alerts.list({ state: "acknowledged" })).open).toHaveLength(1);

    const past = new Date(Date.now() - 1_000);
    expect(
      (await refusal(as(TEST_OPERATOR).alerts.silence({ alertId, reason: "deploy", until: past }))).code,
    ).toBe("BAD_REQUEST");
    await as(TEST_OPERATOR).alerts.silence({
      alertId,
      reason: "Provider fix deploying",
      until: new Date(Date.now() + 3_600_000),
    });
    const silenced = await as(TEST_SUPPORT).alerts.get({ alertId });
    expect(silenced.silenceReason).toBe("Provider fix deploying");
    expect(silenced.history.map((h) => h.kind)).toEqual(["fired", "acknowledged", "silenced"]);
    expect((await as(TEST_SUPPORT).alerts.list({})).silenced).toBe(1);
  });

  it("resolves when the operations move on: listed as resolved, no longer acknowledgeable", async () => {
    await t.db.$client`update operations set status = 'completed', completed_at = now(), blocked_kind = null`;
    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now: new Date(Date.now() + 20_000) });
    const list = await as(TEST_SUPPORT).alerts.list({});
    expect(list.open).toHaveLength(0);
    expect(list.resolved).toHaveLength(1);
    const alertId = list.resolved[0]!.id;
    expect((await refusal(as(TEST_OPERATOR).alerts.acknowledge({ alertId, reason: "late" }))).code).toBe(
      "PRECONDITION_FAILED",
    );
    expect(
      (await refusal(as(TEST_SUPPORT).alerts.get({ alertId: "0190f5c4-0000-7000-8000-00000000dead" }))).code,
    ).toBe("NOT_FOUND");
  });
});
