import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { WaitsPresenter } from "./waits-presenter";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function op(type: string, status: string): Promise<string> {
  const id = uuidv7();
  await t.db.$client`
    insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id)
    values (${id}, ${type}, 1, ${status}, '{}', 'key:test', 'h', 't')`;
  return id;
}

async function wait(
  operationId: string,
  w: { target: string; kind?: string; openedMsAgo: number; deadlineInMs?: number; state?: string },
) {
  const opened = new Date(Date.now() - w.openedMsAgo).toISOString();
  const deadline = w.deadlineInMs === undefined ? null : new Date(Date.now() + w.deadlineInMs).toISOString();
  await t.db.$client`
    insert into waits (id, operation_id, step, kind, state, target, deadline_at, created_at)
    values (${randomUUID()}, ${operationId}, ${`s${Math.random().toString(36).slice(2, 8)}`}, ${w.kind ?? "acknowledgment"},
      ${w.state ?? "waiting"}, ${w.target}, ${deadline}, ${opened})`;
}

describe("WaitsPresenter", () => {
  it("counts open waits of processing operations per type and system, oldest first, with the overdue", async () => {
    await wait(await op("order.fulfill", "processing"), {
      target: "carrier",
      openedMsAgo: 60_000,
      deadlineInMs: 3_600_000,
    });
    await wait(await op("order.fulfill", "processing"), {
      target: "carrier",
      openedMsAgo: 600_000,
      deadlineInMs: -1_000,
    });
    await wait(await op("order.fulfill", "processing"), {
      target: "clock",
      kind: "timer",
      openedMsAgo: 5_000,
    });
    // Not counted: an answered wait, and one its operation left behind when it was cancelled.
    await wait(await op("order.fulfill", "processing"), {
      target: "carrier",
      openedMsAgo: 900_000,
      state: "completed",
    });
    await wait(await op("order.fulfill", "failed"), { target: "carrier", openedMsAgo: 900_000 });

    const groups = await new WaitsPresenter(t.db).call();
    expect(groups.map(({ oldestSince: _, ...g }) => g)).toEqual([
      { type: "order.fulfill", target: "carrier", kind: "acknowledgment", waiting: 2, overdue: 1 },
      { type: "order.fulfill", target: "clock", kind: "timer", waiting: 1, overdue: 0 },
    ]);
    const age = Date.now() - groups[0]!.oldestSince.getTime();
    expect(age).toBeGreaterThanOrEqual(600_000);
  });
});
