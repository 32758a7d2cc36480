import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZGetOperationDetailResponseSchema } from "@/server/routers/search.types";
import { defaultRegistry } from "@/server/workflows";
import { subscriptionStart } from "@/server/workflows/subscription-start";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertEvents, insertOperation } from "@/test/fixtures/operations";
import { OperationDetailPresenter } from "./operation-detail-presenter";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const t0 = new Date("2026-11-01T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const HOUR = 3_600_000;

describe("OperationDetailPresenter timeline", () => {
  it("lists an operation resumed after a long block in commit order, with times that never run back", async () => {
    const sql = t.db.$client;
    // Ids that cross a digit boundary (99 → 100): the order a text sort would get wrong.
    await sql`select setval(pg_get_serial_sequence('events', 'id'), 95)`;
    const id = await insertOperation(sql, {
      type: "order.fulfill",
      status: "completed",
      createdAt: t0,
      completedAt: at(30 * HOUR),
      steps: ["reserve_stock", "charge_payment", "create_shipment", "send_confirmation"].map((name) => ({
        name,
        status: "succeeded",
        attempts: 1,
      })),
    });
    const story: [string, string | null, number][] = [
      ["accepted", null, 0],
      ["step_started", "reserve_stock", 40],
      ["step_succeeded", "reserve_stock", 90],
      ["step_started", "charge_payment", 90],
      ["attempt_failed", "charge_payment", 400],
      ["blocked", "charge_payment", 400],
      // The resume's transaction began before the block committed its last write (it waited on
      // the operation's lock): its recorded time is earlier than the event committed before it.
      ["resumed", "charge_payment", 30 * HOUR - 5_000],
      ["step_started", "charge_payment", 30 * HOUR - 6_000],
      ["step_succeeded", "charge_payment", 30 * HOUR - 5_500],
      ["step_started", "create_shipment", 30 * HOUR - 5_500],
      ["step_succeeded", "create_shipment", 30 * HOUR - 2_000],
      ["step_started", "send_confirmation", 30 * HOUR - 2_000],
      ["step_succeeded", "send_confirmation", 30 * HOUR - 10],
      ["completed", null, 30 * HOUR],
    ];
    const ids = await insertEvents(
      sql,
      id,
      story.map(([type, step, ms]) => ({ type, step, at: at(ms), data: step ? { attempt: 1 } : null })),
    );
    expect(ids.some((n) => n < 100) && ids.some((n) => n >= 100)).toBe(true);

    const detail = await new OperationDetailPresenter(t.db, defaultRegistry).call(id);
    const timeline = detail!.timeline;
    expect(timeline.map((e) => e.id)).toEqual(ids);
    expect(timeline.map((e) => e.type)).toEqual(story.map(([type]) => type));
    const offsets = timeline.map((e) => e.sinceAcceptedMs);
    expect(offsets[0]).toBe(0);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1]!);
    // Held at the line before rather than running back; the recorded time is kept as it was.
    const resumedAt = timeline.findIndex((e) => e.type === "resumed");
    expect(offsets[resumedAt + 1]).toBe(offsets[resumedAt]);
    expect(timeline[resumedAt + 1]!.at).toEqual(at(30 * HOUR - 6_000));
    expect(offsets.at(-1)).toBe(30 * HOUR);
    // What the page receives keeps the offsets (the procedure's output schema strips unknown keys).
    const sent = ZGetOperationDetailResponseSchema.parse(detail);
    expect(sent.timeline.map((e) => e.sinceAcceptedMs)).toEqual(offsets);
  });
});

describe("OperationDetailPresenter: a step scheduled for later (durable timer)", () => {
  const wakeAt = at(50 + 120_000);
  const scheduledEvents = [
    { type: "accepted", at: t0 },
    {
      type: "timer_scheduled",
      step: "charge_first_month",
      at: at(50),
      data: {
        waitId: "",
        wakeAt: wakeAt.toISOString(),
        stage: "Scheduled for 2026-11-01 09:02 UTC",
        waitingFor: "the customer's two-minute cooling-off window to end",
      },
    },
  ];

  /** A subscription.start whose first step opened its timer (the rows timerGate writes). */
  async function scheduledSubscription(options: { fired: boolean }) {
    const sql = t.db.$client;
    const id = await insertOperation(sql, {
      type: "subscription.start",
      status: "processing",
      currentStep: options.fired ? "send_welcome" : "charge_first_month",
      createdAt: t0,
      updatedAt: at(50),
      steps: [
        { name: "charge_first_month", status: options.fired ? "succeeded" : "pending", attempts: 1 },
        { name: "send_welcome" },
      ],
    });
    const [wait] = await sql<{ id: string }[]>`
      insert into waits (id, operation_id, step, kind, target, wake_at, state, created_at)
      values (gen_random_uuid(), ${id}, 'charge_first_month', 'timer', 'clock', ${wakeAt.toISOString()},
        ${options.fired ? "completed" : "waiting"}, ${at(50).toISOString()})
      returning id`;
    const events = scheduledEvents.map((e) =>
      e.type === "timer_scheduled" ? { ...e, data: { ...e.data, waitId: wait!.id } } : e,
    );
    const fired = [
      {
        type: "timer_fired",
        step: "charge_first_month",
        at: wakeAt,
        data: { waitId: wait!.id, early: false },
      },
      { type: "step_started", step: "charge_first_month", at: at(50 + 120_030), data: { attempt: 1 } },
      { type: "step_succeeded", step: "charge_first_month", at: at(50 + 120_400), data: { attempt: 1 } },
    ];
    await insertEvents(sql, id, options.fired ? [...events, ...fired] : events);
    return id;
  }

  it("says the timer's words in the header while scheduled, not the step's running text", async () => {
    const id = await scheduledSubscription({ fired: false });
    const detail = await new OperationDetailPresenter(t.db, defaultRegistry, () => at(60_000)).call(id);
    expect(detail!.operation.statusText).toBe(subscriptionStart.steps[0]!.timer!.userText);
    expect(detail!.operation.statusText).not.toContain("Taking the first payment");
  });

  it("names the timer in the lag per hop while scheduled, not a worker", async () => {
    const id = await scheduledSubscription({ fired: false });
    const detail = await new OperationDetailPresenter(t.db, defaultRegistry, () => at(60_000)).call(id);
    const segments = detail!.segments;
    expect(segments.map((s) => s.label)).not.toContain("Waiting for a worker");
    expect(segments.at(-1)).toMatchObject({
      kind: "scheduled",
      label: "Scheduled until 2026-11-01 09:02 UTC",
      step: "charge_first_month",
      start: at(50),
      end: null,
      ms: 60_000 - 50,
    });
    // What the page receives keeps the kind (the procedure's output schema).
    expect(ZGetOperationDetailResponseSchema.parse(detail).segments.at(-1)?.kind).toBe("scheduled");
  });

  it("once fired: the scheduled hop ends at the firing, then the step runs; the header is the next step's", async () => {
    const id = await scheduledSubscription({ fired: true });
    const detail = await new OperationDetailPresenter(t.db, defaultRegistry, () => at(50 + 121_000)).call(id);
    const hops = detail!.segments.map((s) => [s.kind, s.label, s.ms]);
    expect(hops).toContainEqual(["scheduled", "Scheduled until 2026-11-01 09:02 UTC", 120_000]);
    expect(hops).toContainEqual(["run", "Step ran", 370]);
    expect(hops.filter(([kind]) => kind === "queue").reduce((n, [, , ms]) => n + (ms as number), 0)).toBe(
      50 + 30 + 600,
    );
    expect(detail!.operation.statusText).toBe(`${subscriptionStart.steps[1]!.userText}…`);
  });
});
