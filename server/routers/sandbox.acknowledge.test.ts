import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCallbackSettings } from "@/server/providers/carrier-callback";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { WORKFLOWS } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

/**
 * The sandbox page answers open waits by hand, as the outside system would (sandbox.waits,
 * sandbox.acknowledge): through the WaitService (first wins, repeats answered from the row),
 * audited as the person.
 */
const registry = new WorkflowRegistry([
  ...WORKFLOWS,
  waitingWorkflow("test.sandbox_beat", { heartbeatMs: 60_000 }),
]);
let t: TestDatabase;
let services: Services;
let h: EngineHarness;
let operator: ReturnType<typeof createCaller>;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t, { registry });
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
  operator = createCaller(createContextInner({ principal: TEST_OPERATOR, services }));
  // The carrier never answers here: the person on the sandbox page does.
  await writeCallbackSettings(t.db, { mode: "never", delayMs: 0 });
});

afterAll(async () => {
  await h.close();
  await services.close();
  await t.drop();
});

async function waitingOrder(orderId: string): Promise<string> {
  const id = await h.start("order.fulfill", {
    orderId,
    customerEmail: "ada@example.com",
    items: [{ sku: "BOOK-42", quantity: 1 }],
    amountCents: 2599,
  });
  await eventually(async () => {
    const { waits } = await operator.sandbox.waits();
    expect(waits.map((w) => w.operationId)).toContain(id);
  });
  return id;
}

const audits = (operationId: string) =>
  t.db.$client<{ action: string; actorLabel: string; details: Record<string, unknown> }[]>`
    select action, actor_label as "actorLabel", details from audit_records
    where operation_id = ${operationId} order by seq`;

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
};

describe("sandbox.waits and sandbox.acknowledge", () => {
  it("lists the waiting order with what it waits for and the carrier's confirmation to send", async () => {
    const id = await waitingOrder("ord_sbx_list");
    const { waits } = await operator.sandbox.waits();
    const wait = waits.find((w) => w.operationId === id)!;
    const [shipment] = await t.db.$client<{ id: string; trackingNumber: string }[]>`
      select id, tracking_number as "trackingNumber" from sim_shipments where order_id = 'ord_sbx_list'`;
    expect(wait).toMatchObject({
      type: "order.fulfill",
      step: "create_shipment",
      stepTitle: "Create shipment",
      target: "carrier",
      stage: "Waiting for the carrier to confirm pickup",
      heartbeat: false,
      examplePayload: { shipmentId: shipment!.id, trackingNumber: shipment!.trackingNumber },
    });
    // Five minutes after it opened (the deadline is the worker's clock, `since` the database's).
    expect(Math.round((wait.deadlineAt!.getTime() - wait.since.getTime()) / 60_000)).toBe(5);
  });

  it("completes the order with the confirmation, then answers a repeat as replayed and another as a conflict, each audited", async () => {
    const id = await waitingOrder("ord_sbx_ok");
    const { waits } = await operator.sandbox.waits();
    const payload = waits.find((w) => w.operationId === id)!.examplePayload;

    // Refused by the step's schema: nothing changes, nothing is audited.
    expect(
      await refusal(
        operator.sandbox.acknowledge({
          operationId: id,
          step: "create_shipment",
          signal: { status: "succeeded", payload: { pickupRef: "x" } },
        }),
      ),
    ).toBe("BAD_REQUEST");
    // The carrier declares no heartbeat.
    expect(
      await refusal(
        operator.sandbox.acknowledge({
          operationId: id,
          step: "create_shipment",
          signal: { status: "heartbeat" },
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await audits(id)).toEqual([]);

    const first = await operator.sandbox.acknowledge({
      operationId: id,
      step: "create_shipment",
      signal: { status: "succeeded", payload },
    });
    expect(first.answer).toBe("accepted");
    expect(await h.waitFor(id)).toBe("completed");
    const [wait] = await t.db.$client`select state, completed_by from waits where operation_id = ${id}`;
    expect(wait).toMatchObject({ state: "completed", completed_by: "sandbox:operator@test.local" });

    const again = await operator.sandbox.acknowledge({
      operationId: id,
      step: "create_shipment",
      signal: { status: "succeeded", payload },
    });
    expect(again.answer).toBe("replayed");
    const other = await operator.sandbox.acknowledge({
      operationId: id,
      step: "create_shipment",
      signal: { status: "failed", errorClass: "needs_person", message: "Lost the parcel." },
    });
    expect(other.answer).toBe("conflict");

    expect(await audits(id)).toEqual([
      expect.objectContaining({
        action: "sandbox_acknowledgment_sent",
        actorLabel: "operator@test.local",
        details: expect.objectContaining({ kind: "acknowledgment", answer: "accepted" }),
      }),
      expect.objectContaining({ details: expect.objectContaining({ answer: "replayed" }) }),
      expect.objectContaining({ details: expect.objectContaining({ kind: "failure", answer: "conflict" }) }),
    ]);
    const refused = (await h.events(id)).filter((e) => e.type === "acknowledgment_refused");
    expect(refused.map((e) => e.data?.reason)).toEqual(["duplicate", "conflict"]);
  });

  it("blocks the order awaiting_external with a failure acknowledgment", async () => {
    const id = await waitingOrder("ord_sbx_fail");
    const answer = await operator.sandbox.acknowledge({
      operationId: id,
      step: "create_shipment",
      signal: { status: "failed", errorClass: "needs_person", message: "The parcel was not ready." },
    });
    expect(answer.answer).toBe("accepted");
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    const [op] = await t.db.$client`select blocked_kind from operations where id = ${id}`;
    expect(op!.blocked_kind).toBe("awaiting_external");
    const { waits } = await operator.sandbox.waits();
    expect(waits.map((w) => w.operationId)).not.toContain(id);
  });

  it("sends a heartbeat to a wait that declares one, moving its heartbeat deadline", async () => {
    const id = await h.start("test.sandbox_beat", {});
    await eventually(async () => {
      const { waits } = await operator.sandbox.waits();
      expect(waits.find((w) => w.operationId === id)).toMatchObject({
        heartbeat: true,
        examplePayload: null,
      });
    });
    const beat = await operator.sandbox.acknowledge({
      operationId: id,
      step: "send",
      signal: { status: "heartbeat" },
    });
    expect(beat.answer).toBe("heartbeat");
    expect(await audits(id)).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ kind: "heartbeat" }) }),
    ]);
    const [wait] = await t.db.$client`select state, last_heartbeat_at from waits where operation_id = ${id}`;
    expect(wait!.state).toBe("waiting");
    expect(wait!.last_heartbeat_at).not.toBeNull();
  });
});
