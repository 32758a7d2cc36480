import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { pruneSynthetic } from "./retention";

/** Retention: finished synthetic checks past it go (with their steps and events); everything else stays. */
const DAY = 86_400_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function insertOp(status: string, synthetic: boolean, at: Date): Promise<string> {
  const id = uuidv7({ msecs: at.getTime() });
  await t.db.$client`
    insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, synthetic,
      created_at, updated_at)
    values (${id}, 'demo.noop', 1, ${status}, '{}', 'key:test', 'h', 't', ${synthetic},
      ${at.toISOString()}, ${at.toISOString()})`;
  await t.db.$client`insert into steps (operation_id, position, name) values (${id}, 0, 'first')`;
  await t.db.$client`insert into events (operation_id, type, actor) values (${id}, 'accepted', 'key:test')`;
  return id;
}
async function insertRun(at: Date, finished: boolean): Promise<string> {
  const id = uuidv7({ msecs: at.getTime() });
  await t.db.$client`insert into synthetic_runs (id, workflow_type, started_at, outcome, finished_at)
    values (${id}, 'demo.noop', ${at.toISOString()}, ${finished ? "passed" : null},
      ${finished ? at.toISOString() : null})`;
  return id;
}
const ids = async (table: "operations" | "synthetic_runs") =>
  (await t.db.$client<{ id: string }[]>`select id from ${t.db.$client(table)} order by id`).map((r) => r.id);

describe("pruneSynthetic", () => {
  it("deletes finished synthetic operations and runs older than the retention, and nothing else", async () => {
    const oldDone = await insertOp("completed", true, ago(8 * DAY));
    const oldFailed = await insertOp("failed", true, ago(8 * DAY));
    const oldStuck = await insertOp("blocked", true, ago(8 * DAY));
    const oldReal = await insertOp("completed", false, ago(8 * DAY));
    const recent = await insertOp("completed", true, ago(DAY));
    const oldRun = await insertRun(ago(8 * DAY), true);
    const oldOpenRun = await insertRun(ago(8 * DAY), false);
    const recentRun = await insertRun(ago(DAY), true);

    expect(await pruneSynthetic(t.db, { keepMs: 7 * DAY, now })).toEqual({ operations: 2, runs: 1 });
    expect(await ids("operations")).toEqual([oldStuck, oldReal, recent].sort());
    expect(await ids("synthetic_runs")).toEqual([oldOpenRun, recentRun].sort());
    const [left] = await t.db.$client<{ n: number }[]>`
      select (select count(*) from steps where operation_id in (${oldDone}, ${oldFailed}))::int
        + (select count(*) from events where operation_id in (${oldDone}, ${oldFailed}))::int as n`;
    expect(left!.n).toBe(0);
    expect(await ids("synthetic_runs")).not.toContain(oldRun);

    expect(await pruneSynthetic(t.db, { keepMs: 7 * DAY, now })).toEqual({ operations: 0, runs: 0 });
  });
});
