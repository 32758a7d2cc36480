import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SimCallbackMode } from "@/db/schema";
import type { Services } from "@/server/services";
import { type ApiServer, startApiServer } from "@/test/api-server";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { testServices } from "@/test/services";
import { createProviders } from ".";
import { type CallbackChannel, httpCallbacks, writeCallbackSettings } from "./carrier-callback";

/**
 * The simulated carrier confirms an order's pickup by itself, through the real callback URL:
 * a worker (test/engine/harness.ts) whose carrier POSTs to a real HTTP server (test/api-server.ts)
 * answering /api/v1/callbacks/{token} over the same database.
 */
let t: TestDatabase;
let services: Services;
let api: ApiServer;
let h: EngineHarness;
/** Per callback token, the HTTP statuses the carrier got back, in order. */
const answers = new Map<string, number[]>();

/** While set, the carrier's callbacks wait for it before they go out (a carrier that is late, deterministically). */
let gate: Promise<void> | null = null;

function recording(channel: CallbackChannel): CallbackChannel {
  return {
    kind: channel.kind,
    async send(callback, body) {
      if (gate) await gate;
      const status = await channel.send(callback, body);
      answers.set(callback.token, [...(answers.get(callback.token) ?? []), status]);
      return status;
    },
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  api = await startApiServer(services);
  h = await engineHarness({ db: t.db, url: t.url });
  await h.startWorker({
    providers: createProviders({ db: t.db, callbacks: recording(httpCallbacks(api.baseUrl)) }),
  });
});

afterAll(async () => {
  await h.close();
  await api.close();
  await services.close();
  await t.drop();
});

beforeEach(() => answers.clear());

let n = 0;
async function startOrder(mode: SimCallbackMode): Promise<string> {
  await writeCallbackSettings(t.db, { mode, delayMs: 50 });
  n++;
  return h.start("order.fulfill", {
    orderId: `ord_cb_${mode}_${n}`,
    customerEmail: "ada@example.com",
    items: [{ sku: "BOOK-42", quantity: 1 }],
    amountCents: 2599,
  });
}

async function waitRow(id: string) {
  const [row] = await t.db.$client<
    { id: string; state: string; outcome: string | null; by: string | null }[]
  >`
    select id, state, outcome, completed_by as by from waits
    where operation_id = ${id} and step = 'create_shipment' order by created_at desc limit 1`;
  return row;
}

async function operation(id: string) {
  const [row] = await t.db.$client<{ status: string; kind: string | null; actionRequired: string | null }[]>`
    select status, blocked_kind as kind, action_required as "actionRequired" from operations where id = ${id}`;
  return row!;
}

describe("order.fulfill: the carrier confirms pickup by callback", () => {
  it("completes after the carrier's callback, which went over HTTP", async () => {
    const id = await startOrder("confirm");
    expect(await h.waitFor(id)).toBe("completed");
    const wait = await waitRow(id);
    expect(wait).toMatchObject({ state: "completed", outcome: "succeeded", by: "callback" });
    const events = await h.events(id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["wait_started", "acknowledged"]));
    // The acknowledgment became the step's output, and the email carries its tracking number.
    const [step] = await t.db.$client<{ output: { trackingNumber: string; pickupRef: string } }[]>`
      select output from steps where operation_id = ${id} and name = 'create_shipment'`;
    expect(step!.output.pickupRef).toMatch(/^PU-/);
    const emails = await t.db
      .$client`select body from sim_emails where body like ${`%${step!.output.trackingNumber}%`}`;
    expect(emails).toHaveLength(1);
    const token = [...answers.keys()].find((k) => answers.get(k)?.includes(200));
    expect(token).toBeDefined();
    expect(answers.get(token!)).toEqual([200]);
  });

  it("answers a duplicate callback from the first and completes the order once", async () => {
    const id = await startOrder("duplicate");
    expect(await h.waitFor(id)).toBe("completed");
    // Both callbacks were answered 200 over HTTP: the second replayed the first.
    await eventually(() => {
      const statuses = [...answers.values()].find((s) => s.length === 2);
      expect(statuses).toEqual([200, 200]);
    });
    const events = await h.events(id);
    expect(events.filter((e) => e.type === "acknowledged")).toHaveLength(1);
    expect(events.filter((e) => e.type === "acknowledgment_refused")).toEqual([
      expect.objectContaining({
        step: "create_shipment",
        data: expect.objectContaining({ reason: "duplicate" }),
      }),
    ]);
    expect(events.filter((e) => e.type === "completed")).toHaveLength(1);
    const steps = await h.steps(id);
    expect(steps.find((s) => s.name === "send_confirmation")).toMatchObject({
      status: "succeeded",
      attempts: 1,
    });
  });

  it("blocks awaiting_external when the carrier's callback says it failed", async () => {
    const id = await startOrder("fail");
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    const op = await operation(id);
    expect(op.kind).toBe("awaiting_external");
    expect(await waitRow(id)).toMatchObject({ state: "completed", outcome: "needs_person", by: "callback" });
    expect([...answers.values()]).toContainEqual([200]);
  });

  it("blocks awaiting_external at the deadline when the carrier never answers", async () => {
    const id = await startOrder("never");
    await eventually(async () => expect(await waitRow(id)).toMatchObject({ state: "waiting" }));
    expect((await operation(id)).status).toBe("processing");
    const wait = (await waitRow(id))!;
    const [deadline] = await t.db.$client<{ minutes: number }[]>`
      select round(extract(epoch from deadline_at - created_at) / 60)::int as minutes from waits where id = ${wait.id}`;
    expect(deadline?.minutes).toBe(5);
    // The five minutes pass (the row's deadline moved back), and the deadline companion's expiry runs.
    await t.db.$client`update waits set deadline_at = now() - interval '1 second' where id = ${wait.id}`;
    expect(await services.waits.expire()).toBe(1);
    const op = await operation(id);
    expect(op.status).toBe("blocked");
    expect(op).toMatchObject({
      kind: "awaiting_external",
      actionRequired: expect.stringContaining("Ask the carrier"),
    });
    expect(await waitRow(id)).toMatchObject({ state: "expired" });
  });
  it("refuses a late callback (410) after the deadline blocked the order, and records it", async () => {
    let release!: () => void;
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const id = await startOrder("confirm");
      await eventually(async () => expect(await waitRow(id)).toMatchObject({ state: "waiting" }));
      const wait = (await waitRow(id))!;
      await t.db.$client`update waits set deadline_at = now() - interval '1 second' where id = ${wait.id}`;
      expect(await services.waits.expire()).toBe(1);
      expect((await operation(id)).status).toBe("blocked");
      // Now the carrier's confirmation arrives, over HTTP: too late.
      release();
      await eventually(() => expect([...answers.values()]).toContainEqual([410]));
      const refused = (await h.events(id)).filter((e) => e.type === "acknowledgment_refused");
      expect(refused).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ reason: "expired" }) }),
      ]);
      expect((await operation(id)).status).toBe("blocked");
    } finally {
      gate = null;
      release();
    }
  });
});
