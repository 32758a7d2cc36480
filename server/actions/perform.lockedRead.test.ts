import { afterAll, beforeAll, expect, it } from "vitest";
import { RunQueue } from "@/server/engine/run-queue";
import { IntakeService } from "@/server/operations/intake";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { performAction } from "./perform";

/**
 * Found by the history check (test/proof/history.test.ts, full run): an operator's skip landed on
 * a step a worker had just claimed — the step went from running (attempt 1) to skipped with
 * attempts 0 while the worker ran its effect. The action's read locked the operation row but
 * read the steps from the snapshot taken before it waited for that lock (READ COMMITTED
 * re-checks only the locked row), so it planned on the state before the claim and its commit,
 * fenced on the fresh token, overwrote the claim.
 */
let t: TestDatabase;
let runs: RunQueue;

beforeAll(async () => {
  t = await createTestDatabase();
  runs = new RunQueue({ db: t.db, url: t.url });
});
afterAll(async () => {
  await runs.close();
  await t.drop();
});

it("an action waiting for the operation's lock plans on the state committed while it waited", async () => {
  const intake = new IntakeService(t.db, defaultRegistry, runs);
  const created = await intake.call({ request: { type: "demo.noop", input: {} }, caller: "key:test" });
  if (created.type !== "created") throw new Error(JSON.stringify(created));
  const id = created.operationId;
  const sql = t.db.$client;

  // A worker's claim of the first step, in flight: it holds the operation's row lock.
  const claim = await sql.reserve();
  await claim`begin`;
  await claim`update operations set status = 'processing', updated_at = clock_timestamp() where id = ${id}`;
  await claim`update steps set status = 'running', attempts = 1, lease_owner = 'worker:w1',
              lease_expires_at = now() + interval '1 minute' where operation_id = ${id} and position = 0`;

  const action = performAction(
    { db: t.db, runs },
    {
      operationId: id,
      request: { action: "skip", step: "first" },
      reason: "Checked by hand with the customer",
      principal: TEST_OPERATOR,
      requestMeta: { requestId: "locked-read", clientAddress: null },
    },
  );
  // The action's read has begun and waits for the claim's lock.
  await eventually(async () => {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    if (row!.n === 0) throw new Error("the action is not waiting for the lock yet");
  });
  await claim`commit`;
  claim.release();

  const result = await action;
  const [step] = await sql<{ status: string; attempts: number }[]>`
    select status, attempts from steps where operation_id = ${id} and position = 0`;
  // The claimed attempt stands; the action is refused because the step is running right now.
  expect(step).toEqual({ status: "running", attempts: 1 });
  expect(result.type).toBe("refused");
});
