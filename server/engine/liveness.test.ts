import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness, spawnWorkerChild, type WorkerChild } from "@/test/engine/harness";
import { SWEEPER_LEASE_PREFIX } from "./store/load";

// Far longer than the test's deadlines: a step recovered here was recovered through the
// liveness lock, never because its lease ran out.
const LONG_LEASE = { LEASE_MS: "600000", CRASH_STEP: "charge_payment" };

let t: TestDatabase;
let h: EngineHarness;
const children: WorkerChild[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await h?.close();
  await t?.drop();
});

const order = (orderId: string) => ({
  orderId,
  customerEmail: "liveness@example.com",
  items: [{ sku: "MUG-7", quantity: 1 }],
  amountCents: 1200,
});

const workerIdOf = (child: WorkerChild) => /worker (\S+) started/.exec(child.output())?.[1];

describe("a worker's liveness lock", () => {
  it("a SIGKILLed worker's step is taken at once, a stalled one's stays leased", async () => {
    const sql = t.db.$client;
    // The stalled worker: it claims charge_payment, stops before the effect, and is SIGSTOPped
    // there — alive to PostgreSQL (its sockets stay open), doing nothing.
    // Both start at once (a child's start-up is most of this test's time); the one to be killed
    // is kept stopped until the stalled one holds its step.
    const [stalled, victim] = await Promise.all([
      spawnWorkerChild(t.url, { ...LONG_LEASE, PAUSE_AT: "beforeEffect" }),
      spawnWorkerChild(t.url, { ...LONG_LEASE, CRASH_AT: "beforeEffect" }).then((child) => {
        child.child.kill("SIGSTOP");
        return child;
      }),
    ]);
    children.push(stalled, victim);
    const held = await h.start("order.fulfill", order("ord_stalled"));
    await stalled.waitForOutput(`paused ${held} charge_payment`);
    stalled.child.kill("SIGSTOP");

    // The dead worker: it claims charge_payment of another order and SIGKILLs itself there.
    victim.child.kill("SIGCONT");
    const lost = await h.start("order.fulfill", order("ord_killed"));
    expect(await victim.exited).toBe("SIGKILL");
    const [claimed] = await sql<{ owner: string }[]>`
      select lease_owner as owner from steps where operation_id = ${lost} and name = 'charge_payment'`;
    expect(claimed?.owner).toBe(workerIdOf(victim));

    // Positive control: a healthy worker restarts the dead one's step long before its lease ends.
    await h.startWorker();
    expect(await h.waitFor(lost, undefined, 30_000)).toBe("completed");
    const [gone] = await sql<{ stoppedAt: Date | null }[]>`
      select stopped_at as "stoppedAt" from workers where id = ${workerIdOf(victim)!}`;
    expect(gone?.stoppedAt).not.toBeNull();

    // The same sweeps left the stalled worker alone: its step is still its own and running.
    const [kept] = await sql<{ owner: string; status: string }[]>`
      select lease_owner as owner, status from steps where operation_id = ${held} and name = 'charge_payment'`;
    expect(kept?.owner).toBe(workerIdOf(stalled));
    expect(kept?.owner.startsWith(SWEEPER_LEASE_PREFIX)).toBe(false);
    expect(kept?.status).toBe("running");
    const [alive] = await sql<{ stoppedAt: Date | null }[]>`
      select stopped_at as "stoppedAt" from workers where id = ${workerIdOf(stalled)!}`;
    expect(alive?.stoppedAt).toBeNull();

    // Let go, it finishes its own step.
    stalled.resume();
    expect(await h.waitFor(held, undefined, 30_000)).toBe("completed");
  }, 120_000);
});
