import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { pruneWebhooks, webhookRetentionMs } from "./retention";

let t: TestDatabase;
let endpoint: string;
beforeAll(async () => {
  t = await createTestDatabase();
  endpoint = randomUUID();
  await t.db.$client`insert into webhook_endpoints (id, url, event_types, secret)
    values (${endpoint}, 'https://hooks.example.com/x', ${["alert.firing"]}, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')`;
});
afterAll(() => t?.drop());

const DAY = 86_400_000;

/** One event of `ageDays` with one delivery in `status` and one logged try. */
async function event(name: string, ageDays: number, status: "pending" | "delivered" | "dead") {
  const at = new Date(Date.now() - ageDays * DAY).toISOString();
  const [o] = await t.db.$client<
    { id: string }[]
  >`insert into webhook_outbox (message_id, type, data, created_at)
    values (${`msg_${name}`}, 'alert.firing', '{}'::jsonb, ${at}::timestamptz) returning id`;
  const [d] = await t.db.$client<
    { id: string }[]
  >`insert into webhook_deliveries (outbox_id, endpoint_id, status, attempts)
    values (${o!.id}, ${endpoint}, ${status}, 1) returning id`;
  await t.db.$client`insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms)
    values (${d!.id}, 1, 500, 3)`;
}

describe("pruneWebhooks", () => {
  it("deletes settled events past retention with their deliveries and tries; keeps pending and recent ones", async () => {
    await event("old_delivered", 20, "delivered");
    await event("old_dead", 20, "dead");
    await event("old_pending", 20, "pending");
    await event("recent", 1, "delivered");
    expect(await pruneWebhooks(t.db, { keepMs: 14 * DAY })).toEqual({ events: 2 });
    const left = await t.db.$client<
      { message_id: string }[]
    >`select message_id from webhook_outbox order by id`;
    expect(left.map((r) => r.message_id)).toEqual(["msg_old_pending", "msg_recent"]);
    const [counts] = await t.db.$client`select (select count(*)::int from webhook_deliveries) as deliveries,
      (select count(*)::int from webhook_attempts) as attempts`;
    expect(counts).toEqual({ deliveries: 2, attempts: 2 });
    expect(await pruneWebhooks(t.db, { keepMs: 14 * DAY })).toEqual({ events: 0 });
  });

  it("reads the retention from THROUGHLINE_WEBHOOK_RETENTION_DAYS, 14 days by default", () => {
    expect(webhookRetentionMs({})).toBe(14 * DAY);
    expect(webhookRetentionMs({ THROUGHLINE_WEBHOOK_RETENTION_DAYS: "3" })).toBe(3 * DAY);
    expect(webhookRetentionMs({ THROUGHLINE_WEBHOOK_RETENTION_DAYS: "nonsense" })).toBe(14 * DAY);
  });
});
