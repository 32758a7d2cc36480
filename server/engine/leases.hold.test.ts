import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { LeaseLostError } from "./execute";
import { LeaseKeeper } from "./leases";

/**
 * A held lease whose renewals do not come back is given up by its holder before the database
 * lets another worker take the step (found by the full history run: an in-process worker's
 * renewals queued behind a saturated pool while its effect ran on, and another worker took the
 * expired lease over — two attempts of one step at once). Renewals are held up here by a lock
 * on the step's row; the same keeper with renewals getting through keeps the lease.
 */
let t: TestDatabase;
let h: EngineHarness;
const OWNER = "lease-keeper-test";
const LEASE_MS = 3_000;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

/** An operation whose first step this test's owner holds, as a claim leaves it. */
async function claimed(): Promise<string> {
  const id = await h.start("demo.noop", { note: "lease" });
  await t.db.$client`
    update steps set status = 'running', attempts = 1, lease_owner = ${OWNER},
      lease_expires_at = now() + ${LEASE_MS} * interval '1 millisecond'
    where operation_id = ${id} and position = 0`;
  return id;
}

const expiresAt = async (id: string) =>
  (
    await t.db.$client<{ at: number }[]>`
      select (extract(epoch from lease_expires_at) * 1000)::float8 as at
      from steps where operation_id = ${id} and position = 0`
  )[0]!.at;

describe("LeaseKeeper.hold", () => {
  it("a lease whose renewal does not come back aborts its run; one renewed in time stays held", async () => {
    const keeper = new LeaseKeeper({ sql: t.db.$client, owner: OWNER, leaseMs: LEASE_MS, log: () => {} });
    keeper.start();
    const locker = await t.db.$client.reserve();
    try {
      // Positive control: renewals get through, the lease is extended twice and still held.
      const kept = await claimed();
      const first = await expiresAt(kept);
      const keptLease = keeper.hold(kept, 0, Date.now());
      await eventually(async () => expect(await expiresAt(kept)).toBeGreaterThan(first + LEASE_MS / 2), {
        timeoutMs: 60_000,
        message: "two renewals",
      });
      expect(keptLease.signal.aborted).toBe(false);
      keptLease.release();

      // Renewals held up by a lock on the row: the holder gives the lease up by itself.
      const stuck = await claimed();
      await locker`begin`;
      await locker`select 1 from steps where operation_id = ${stuck} and position = 0 for update`;
      const lease = keeper.hold(stuck, 0, Date.now());
      await eventually(() => expect(lease.signal.aborted).toBe(true), {
        timeoutMs: 60_000,
        message: "the stuck lease given up",
      });
      expect(lease.signal.reason).toBeInstanceOf(LeaseLostError);
    } finally {
      await locker`rollback`.catch(() => {});
      locker.release();
      await keeper.stop();
    }
  }, 120_000);
});
