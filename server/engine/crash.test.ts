import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness, spawnWorkerChild, type WorkerChild } from "@/test/engine/harness";

const STEPS = ["reserve_stock", "charge_payment", "create_shipment", "send_confirmation"];

let t: TestDatabase;
let h: EngineHarness;
/** A healthy worker, kept stopped (SIGSTOP) while the victim works, continued after it dies. */
let rescuer: WorkerChild;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
  rescuer = await spawnWorkerChild(t.url);
  rescuer.child.kill("SIGSTOP");
}, 60_000);
afterAll(async () => {
  await rescuer?.stop();
  await h?.close();
  await t?.drop();
});

const order = (orderId: string) => ({
  orderId,
  customerEmail: "crash@example.com",
  items: [{ sku: "MUG-7", quantity: 1 }],
  amountCents: 1200,
});

describe("a worker SIGKILLed at any point of a step", () => {
  it.each([
    // Nothing claimed yet: the job is only in pg-boss; the orphan sweep (or pg-boss) brings it back.
    ["beforeClaim", "reserve_stock"],
    // charge_payment is claimed in the same commit as reserve_stock's result: that commit never lands.
    ["beforeClaim", "charge_payment"],
    ["beforeEffect", "charge_payment"],
    // The card was charged, the worker died before recording it: the retry gets the ledger's answer.
    ["afterEffect", "charge_payment"],
    // All done and committed; only the job was left active.
    ["beforeJobComplete", "send_confirmation"],
  ])(
    "killed %s of %s: another worker completes the order with exactly one effect per step",
    async (point, step) => {
      const orderId = `ord_${point}_${step}`;
      const victim = await spawnWorkerChild(t.url, { CRASH_AT: point, CRASH_STEP: step });
      const id = await h.start("order.fulfill", order(orderId));
      expect(await victim.exited).toBe("SIGKILL");

      rescuer.child.kill("SIGCONT");
      expect(await h.waitFor(id, undefined, 30_000)).toBe("completed");
      rescuer.child.kill("SIGSTOP");

      const sql = t.db.$client;
      const effects = await sql<{ key: string; n: number }[]>`
        select idempotency_key as key, count(*)::int as n from sim_effects
        where idempotency_key like ${`${id}:%`} group by 1 order by 1`;
      expect(effects).toEqual(
        STEPS.map((s) => ({ key: `${id}:${s}`, n: 1 })).sort((a, b) => a.key.localeCompare(b.key)),
      );
      const charges = await sql`select id from sim_charges where order_id = ${orderId}`;
      expect(charges).toHaveLength(1);
      const succeeded = await sql<{ step: string; n: number }[]>`
        select step, count(*)::int as n from events
        where operation_id = ${id} and type = 'step_succeeded' group by 1`;
      expect(Object.fromEntries(succeeded.map((r) => [r.step, r.n]))).toEqual(
        Object.fromEntries(STEPS.map((s) => [s, 1])),
      );
    },
    90_000,
  );
});
