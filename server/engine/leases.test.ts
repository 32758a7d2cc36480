import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness, spawnWorkerChild } from "@/test/engine/harness";

let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const order = (orderId: string) => ({
  orderId,
  customerEmail: "lease@example.com",
  items: [{ sku: "TEE-M", quantity: 1 }],
  amountCents: 1500,
});

async function ledger(id: string) {
  return t.db.$client<{ key: string; n: number }[]>`
    select idempotency_key as key, count(*)::int as n from sim_effects
    where idempotency_key like ${`${id}:%`} group by 1 order by 1`;
}

describe("step leases", () => {
  it("a worker paused past its lease cannot overwrite the result of the worker that took over", async () => {
    const stalled = await spawnWorkerChild(t.url, { PAUSE_AT: "afterEffect", CRASH_STEP: "charge_payment" });
    try {
      const id = await h.start("order.fulfill", order("ord_stalled"));
      await stalled.waitForOutput(`paused ${id} charge_payment`);
      stalled.child.kill("SIGSTOP");

      await h.startWorker();
      expect(await h.waitFor(id)).toBe("completed");
      const timeline = await h.events(id);

      stalled.resume();
      await stalled.waitForOutput(`run ${id} fenced`);
      expect(stalled.output()).toContain("its result is discarded");
      expect(await h.events(id)).toEqual(timeline);
      expect((await ledger(id)).every((r) => r.n === 1)).toBe(true);
      const charges = await t.db.$client`select id from sim_charges where order_id = 'ord_stalled'`;
      expect(charges).toHaveLength(1);
      const takeover = timeline.filter((e) => e.step === "charge_payment").map((e) => e.type);
      expect(takeover).toEqual(["step_started", "attempt_failed", "step_started", "step_succeeded"]);
    } finally {
      await stalled.stop();
    }
  }, 90_000);

  it("the same operation's job delivered twice at once to two workers runs its work once", async () => {
    await h.startWorker();
    // Slow the warehouse so both runs are in flight together.
    await t.db.$client`update sim_faults set latency_ms = 300 where provider = 'warehouse'`;
    try {
      const id = await h.start("order.fulfill", order("ord_twice"));
      await transaction(t.db, (tx) => h.runs.enqueue(tx, [{ data: { operationId: id, reason: "recover" } }]));
      expect(await h.waitFor(id)).toBe("completed");
      expect((await ledger(id)).map((r) => r.n)).toEqual([1, 1, 1, 1]);
      const succeeded = await t.db.$client`
        select step from events where operation_id = ${id} and type = 'step_succeeded'`;
      expect(succeeded).toHaveLength(4);
    } finally {
      await t.db.$client`update sim_faults set latency_ms = 0`;
    }
  });
});
