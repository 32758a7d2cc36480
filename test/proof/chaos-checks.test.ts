/**
 * The chaos run's database checks (scripts/chaos/checks.ts) can fail: over a completed order
 * written as the engine writes one, every check is at 0; each planted defect — a charge
 * applied twice, a timeline without its completion, an acceptance under another version, an
 * acknowledged id that is not there — raises exactly the check meant to see it.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Check, checkDatabase } from "@/scripts/chaos/checks";
import { checkAnswers } from "@/scripts/chaos/client-checks";
import type { Ack, Answer } from "@/scripts/chaos/load";
import { createTestDatabase, type TestDatabase } from "@/test/db";

const STEPS = ["reserve_stock", "charge_payment", "create_shipment", "send_confirmation"];
const ORDER = "ord_check_1";

describe("chaos checks over the database", () => {
  let t: TestDatabase;
  let id: string;
  let ack: Ack;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  /** One completed order.fulfill v1, its timeline, ledger and business rows. */
  beforeEach(async () => {
    const sql = t.db.$client;
    await sql`truncate operations, sim_effects, sim_charges, sim_shipments, sim_emails, sim_reservations cascade`;
    id = randomUUID();
    const input = {
      orderId: ORDER,
      customerEmail: "a@example.com",
      items: [{ sku: "X", quantity: 1 }],
      amountCents: 100,
      currency: "EUR",
    };
    ack = {
      intent: { key: "k1", type: "order.fulfill", input },
      id,
      type: "order.fulfill",
      version: 1,
      httpStatus: 202,
      attempts: 1,
    };
    await sql`insert into operations (id, type, version, status, input, submitted_by, idempotency_key, request_hash, trace_id, completed_at)
      values (${id}, 'order.fulfill', 1, 'completed', ${JSON.stringify(input)}::jsonb, 'key:test', 'k1', 'h', 't', now())`;
    for (const [position, name] of STEPS.entries()) {
      await sql`insert into steps (operation_id, position, name, status, attempts) values (${id}, ${position}, ${name}, 'succeeded', 1)`;
    }
    const events: [string, string | null][] = [
      ["accepted", null],
      ...STEPS.flatMap((s): [string, string][] => [
        ["step_started", s],
        ["step_succeeded", s],
      ]),
      ["completed", null],
    ];
    for (const [type, step] of events) {
      const data = type === "accepted" ? JSON.stringify({ version: 1, idempotencyKey: "k1" }) : null;
      await sql`insert into events (operation_id, type, step, actor, data)
        values (${id}, ${type}::event_type, ${step}, 'system', ${data}::jsonb)`;
    }
    await sql`insert into sim_reservations (order_id, sku, quantity) values (${ORDER}, 'X', 1)`;
    await sql`insert into sim_charges (id, order_id, customer_email, amount_cents, currency) values ('ch_1', ${ORDER}, 'a@example.com', 100, 'EUR')`;
    await sql`insert into sim_shipments (id, order_id, tracking_number) values ('shp_1', ${ORDER}, 'TRK1')`;
    await sql`insert into sim_emails ("to", subject, body) values ('a@example.com', ${`Your order ${ORDER} is on its way`}, 'b')`;
    for (const [provider, action, step] of [
      ["warehouse", "reserve", "reserve_stock"],
      ["payments", "charge", "charge_payment"],
      ["carrier", "create_shipment", "create_shipment"],
      ["email", "send", "send_confirmation"],
    ] as const) {
      await sql`insert into sim_effects (provider, idempotency_key, action, outcome, response)
        values (${provider}, ${`${id}:${step}`}, ${action}, 'applied', '{}'::jsonb)`;
    }
  });

  const violated = (checks: Check[]) =>
    Object.fromEntries(checks.filter((c) => c.violations > 0).map((c) => [c.name, c.violations]));

  it("finds nothing wrong with a completed order written as the engine writes one", async () => {
    expect(violated(await checkDatabase(t.db.$client, [ack]))).toEqual({});
  });

  it("sees a charge applied twice, and that it has no ledger entry", async () => {
    await t.db.$client`insert into sim_charges (id, order_id, customer_email, amount_cents, currency)
      values ('ch_2', ${ORDER}, 'a@example.com', 100, 'EUR')`;
    expect(violated(await checkDatabase(t.db.$client, [ack]))).toEqual({
      "effects applied twice": 1,
      "effects without their ledger entry (or the reverse)": 1,
      "order effects not matching the operation's outcome": 1,
    });
  });

  it("sees a completed operation whose timeline does not end in its completion", async () => {
    await t.db.$client`delete from events where operation_id = ${id} and type = 'completed'`;
    expect(violated(await checkDatabase(t.db.$client, [ack]))).toEqual({
      "timeline inconsistent with the status": 1,
    });
  });

  it("sees an operation run under another version than the one that accepted it", async () => {
    await t.db.$client`update events set data = jsonb_set(data, '{version}', '2')
      where operation_id = ${id} and type = 'accepted'`;
    expect(violated(await checkDatabase(t.db.$client, [ack]))).toEqual({
      "ran under another version than the one that accepted it": 1,
    });
  });

  it("sees an acknowledged operation that is not in the database", async () => {
    const lost: Ack = { ...ack, id: randomUUID(), intent: { ...ack.intent, key: "k2" } };
    expect(violated(await checkDatabase(t.db.$client, [ack, lost]))).toEqual({
      "acknowledged but lost (not in the database)": 1,
    });
  });
});

describe("chaos checks over the client's answers", () => {
  const window = { downAt: 10_000, upAt: 20_000 };
  const answer = (status: Answer["status"], doneAt: number, retryAfter = true): Answer => ({
    endpoint: "POST /api/v1/operations",
    status,
    sentAt: doneAt - 100,
    doneAt,
    retryAfter,
  });
  const violated = (answers: Answer[]) =>
    Object.fromEntries(
      checkAnswers(answers, window)
        .filter((c) => c.violations > 0)
        .map((c) => [c.name, c.violations]),
    );

  it("accepts 2xx outside the outage and fast 503s with Retry-After inside it", () => {
    expect(violated([answer(202, 5_000), answer(503, 12_000), answer(200, 25_000)])).toEqual({});
  });

  it("counts a 500 and a success while the database is down, a hang anywhere, a 503 without Retry-After", () => {
    expect(
      violated([
        answer(503, 12_000),
        answer(500, 13_000),
        answer(202, 14_000),
        answer("timeout", 30_000),
        answer(503, 31_000, false),
      ]),
    ).toEqual({
      "answers 5xx other than 503": 1,
      "answers during the database outage other than 503": 2,
      "hangs (no answer within the client timeout)": 1,
      "503 or 429 without Retry-After": 1,
    });
  });

  it("fails when no answer came while the database was down (the outage went unseen)", () => {
    expect(violated([answer(202, 5_000)])).toEqual({
      "database outage seen by the client (at least one answer while it was down)": 1,
    });
  });
});
