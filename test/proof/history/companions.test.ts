import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { operations } from "@/db/schema";
import type { Services } from "@/server/services";
import { WAIT_LEASE_PREFIX } from "@/server/waits/settings";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { testServices } from "@/test/services";
import { HistoryRecorder } from "./record";
import { WorkerFleet } from "./worker-fleet";

/**
 * The full history run never settled: an order whose pickup callback was owed by a worker
 * process it SIGKILLed waited for its carrier for ever, since the run's workers ran neither the
 * carrier's backstop nor the waits' deadlines (companions.ts). Here the booking worker process
 * is killed with the callback owed, and the process started in its place sends it.
 */
let t: TestDatabase;
let services: Services;
let fleet: WorkerFleet;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  await services.providers.warehouse.restock("SKU-A", 5);
  // The booking process's own timer would send it only after the test: as if it had died first.
  await services.faults.setCallback({ mode: "confirm", delayMs: 10 * 60_000 });
  fleet = new WorkerFleet(t.url, new HistoryRecorder());
  await fleet.start();
}, 180_000);
afterAll(async () => {
  await fleet?.stop();
  await services?.close();
  await t?.drop();
});

it("a pickup callback owed by a killed worker process is sent by the next one, and the order completes", async () => {
  const accepted = await services.intake.call({
    request: {
      type: "order.fulfill",
      input: {
        orderId: "ord-owed",
        customerEmail: "ada@example.com",
        items: [{ sku: "SKU-A", quantity: 1 }],
        amountCents: 1200,
      },
    },
    caller: "key:tl_test",
  });
  if (accepted.type !== "created") throw new Error(`not accepted: ${accepted.type}`);
  const statusOf = async () =>
    (await t.db.select().from(operations).where(eq(operations.id, accepted.operationId)))[0]!.status;

  // Killed once the booking's attempt committed (its step handed to the wait): killed before,
  // the attempt is run again by the next process, which owes a callback of its own.
  await eventually(
    async () => {
      const waiting = await t.db.$client`
        select 1 from steps s join sim_owed_callbacks c on c.done_at is null
        where s.operation_id = ${accepted.operationId} and s.name = 'create_shipment'
          and s.lease_owner like ${`${WAIT_LEASE_PREFIX}%`}`;
      if (waiting.length === 0) throw new Error("the pickup is not booked yet");
    },
    { timeoutMs: 60_000, message: "booking the pickup" },
  );
  await fleet.kill();
  // Due long ago, as if the killed process's timer had been missed a while back.
  await t.db.$client`update sim_owed_callbacks set due_at = now() - interval '1 minute'`;

  await eventually(async () => expect(await statusOf()).toBe("completed"), {
    timeoutMs: 60_000,
    message: "the order completing",
  });
  const open = await t.db.$client`select 1 from sim_owed_callbacks where done_at is null`;
  expect(open).toEqual([]);
}, 240_000);
