import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { ALERT_TICK_MS, evaluateAlerts } from "./evaluate";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

/** The alerts read the database clock for waits' deadlines: evaluate at the real now. */
const evaluate = (now: Date) => evaluateAlerts({ db: t.db, registry: defaultRegistry, now });

async function idleOp(idleMs: number): Promise<string> {
  const at = new Date(Date.now() - idleMs);
  const id = uuidv7({ msecs: at.getTime() });
  await t.db.$client`
    insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, created_at, updated_at)
    values (${id}, 'demo.noop', 1, 'processing', '{}', 'key:test', 'h', 't', ${at.toISOString()}, ${at.toISOString()})`;
  return id;
}

async function openWait(operationId: string, wait: { deadlineInMs?: number; wakeInMs?: number }) {
  const at = (ms?: number) => (ms === undefined ? null : new Date(Date.now() + ms).toISOString());
  await t.db.$client`
    insert into waits (id, operation_id, step, kind, target, deadline_at, wake_at)
    values (${randomUUID()}, ${operationId}, 'first', ${wait.wakeInMs === undefined ? "acknowledgment" : "timer"},
      'carrier', ${at(wait.deadlineInMs)}, ${at(wait.wakeInMs)})`;
}

async function stuckSample(): Promise<string[]> {
  const [row] = await t.db.$client<{ sample: string[] }[]>`
    select sample from alerts where rule = 'stuck' and workflow_type = 'demo.noop' and resolved_at is null`;
  return row?.sample ?? [];
}

describe("the stuck rule and durable waits", () => {
  it("a wait before its deadline (or a timer before it is due) is not stuck; one past its deadline is", async () => {
    const now = new Date();
    await t.db
      .$client`insert into workers (id, host, pid, last_seen_at) values ('w1', 'h', 1, ${now.toISOString()})`;
    // demo.noop is stuck after a minute without an event; each of these has been idle 5 minutes.
    const control = await idleOp(5 * 60_000);
    const waiting = await idleOp(5 * 60_000);
    await openWait(waiting, { deadlineInMs: 3_600_000 });
    const scheduled = await idleOp(5 * 60_000);
    await openWait(scheduled, { wakeInMs: 3_600_000 });
    const overdue = await idleOp(5 * 60_000);
    await openWait(overdue, { deadlineInMs: -1_000 });
    await evaluate(now);
    const sample = await stuckSample();
    expect(sample).toContain(control);
    expect(sample).toContain(overdue);
    expect(sample).not.toContain(waiting);
    expect(sample).not.toContain(scheduled);
  });

  it("a wait past its deadline is stuck even with a recent event", async () => {
    const now = new Date(Date.now() + ALERT_TICK_MS);
    const recent = await idleOp(3 * 60_000);
    await t.db.$client`update operations set updated_at = now() where id = ${recent}`;
    await openWait(recent, { deadlineInMs: -1_000 });
    await evaluate(now);
    expect(await stuckSample()).toContain(recent);
  });
});
