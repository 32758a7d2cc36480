import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import { NO_REQUEST } from "@/server/audit/write";
import { defaultRegistry } from "@/server/workflows";
import { statusText } from "@/server/workflows/kit/status-text";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { subscriptionStart } from "./subscription-start";

let t: TestDatabase;
let h: EngineHarness;
beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry: defaultRegistry });
  await h.startWorker();
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

describe("subscription.start: a cooling-off window before the first charge", () => {
  it("is scheduled (nothing charged, the customer told why), runs when an operator says so, and completes", async () => {
    const id = await h.start("subscription.start", subscriptionStart.exampleInput);
    const timer = await eventually(async () => {
      const [row] = await t.db.$client<{ wakeAt: Date }[]>`
        select wake_at as "wakeAt" from waits where operation_id = ${id} and kind = 'timer' and state = 'waiting'`;
      if (!row) throw new Error("not scheduled yet");
      return row;
    });
    const [op] = await t.db.$client`select status, current_step, created_at from operations where id = ${id}`;
    expect(op).toMatchObject({ status: "processing", current_step: "charge_first_month" });
    // Two minutes after the step was reached, by the database clock.
    expect(new Date(timer.wakeAt).getTime() - new Date(op!.created_at).getTime()).toBeGreaterThanOrEqual(
      120_000,
    );
    const [charges] = await t.db
      .$client`select count(*)::int as n from sim_charges where order_id = 'sub_1001'`;
    expect(charges?.n).toBe(0);
    expect(
      statusText(subscriptionStart, {
        status: "processing",
        currentStep: "charge_first_month",
        waiting: true,
      } as never),
    ).toBe("Your first payment will be taken after a two-minute cooling-off window; you can still cancel.");

    const ran = await performAction(
      { db: t.db, runs: h.runs, registry: defaultRegistry },
      {
        operationId: id,
        request: { action: "run_now", step: "charge_first_month" },
        reason: "The customer asked to start at once",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      },
    );
    expect(ran).toMatchObject({ type: "done" });
    await h.waitFor(id, ["completed"]);
    const [after] = await t.db
      .$client`select count(*)::int as n from sim_charges where order_id = 'sub_1001'`;
    expect(after?.n).toBe(1);
  });
});
