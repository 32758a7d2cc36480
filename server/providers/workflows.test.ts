import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import { SandboxControlsService } from "@/server/actions/sandbox-controls";
import { NO_REQUEST } from "@/server/audit/write";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { TEST_OPERATOR } from "@/test/principals";
import { createProviders } from ".";

let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const order = (orderId: string, extra: Record<string, unknown> = {}) => ({
  orderId,
  customerEmail: "ada@example.com",
  items: [{ sku: "BOOK-42", quantity: 2 }],
  amountCents: 2599,
  ...extra,
});

/** What an operator does from the console: the production path (server/actions/perform.ts). */
const act = (operationId: string, action: ActionRequest["action"], reason: string) =>
  performAction(
    { db: t.db, runs: h.runs, registry: defaultRegistry },
    {
      operationId,
      request: { action } as ActionRequest,
      reason,
      principal: TEST_OPERATOR,
      requestMeta: NO_REQUEST,
    },
  );

const count = async (query: Promise<{ n: number }[]>) => (await query)[0]!.n;

describe("order.fulfill", () => {
  it("reserves, charges, ships and emails once, and records every step", async () => {
    const id = await h.start("order.fulfill", order("ord_ok"));
    expect(await h.waitFor(id)).toBe("completed");
    const sql = t.db.$client;
    expect(await count(sql`select count(*)::int as n from sim_reservations where order_id = 'ord_ok'`)).toBe(
      1,
    );
    expect(await count(sql`select count(*)::int as n from sim_charges where order_id = 'ord_ok'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from sim_shipments where order_id = 'ord_ok'`)).toBe(1);
    const [ord] = await sql`select status from sim_orders where id = 'ord_ok'`;
    expect(ord?.status).toBe("fulfilled");
    const types = (await h.events(id)).map((e) => `${e.type}${e.step ? `:${e.step}` : ""}`);
    expect(types).toEqual([
      "accepted",
      "step_started:reserve_stock",
      "step_succeeded:reserve_stock",
      "step_started:charge_payment",
      "step_succeeded:charge_payment",
      "step_started:create_shipment",
      // The carrier confirms the pickup by callback (in-process here: the harness has no web).
      "wait_started:create_shipment",
      "acknowledged:create_shipment",
      "step_succeeded:create_shipment",
      "step_started:send_confirmation",
      "step_succeeded:send_confirmation",
      "completed",
    ]);
  });

  it("fails cleanly when the shop cancelled the order before it started", async () => {
    await createProviders({ db: t.db }).warehouse.cancelOrder("ord_cancelled");
    const id = await h.start("order.fulfill", order("ord_cancelled"));
    expect(await h.waitFor(id)).toBe("failed");
    const [op] = await t.db.$client`select error from operations where id = ${id}`;
    expect(op?.error).toMatchObject({
      message: "The shop cancelled order ord_cancelled.",
      code: "precondition_failed",
    });
    expect(
      await count(
        t.db.$client`select count(*)::int as n from sim_effects where idempotency_key like ${`${id}%`}`,
      ),
    ).toBe(0);
  });

  it("a declined card releases the reserved stock and fails", async () => {
    const before = await t.db.$client`select reserved from sim_stock where sku = 'BOOK-42'`;
    const id = await h.start("order.fulfill", order("ord_declined", { amountCents: 900_000 }));
    expect(await h.waitFor(id)).toBe("failed");
    const types = (await h.events(id)).map((e) => `${e.type}${e.step ? `:${e.step}` : ""}`);
    expect(types.slice(-5)).toEqual([
      "attempt_failed:charge_payment",
      "step_failed:charge_payment",
      "compensation_started:reserve_stock",
      "step_compensated:reserve_stock",
      "failed:charge_payment",
    ]);
    const after = await t.db.$client`select reserved from sim_stock where sku = 'BOOK-42'`;
    expect(after[0]?.reserved).toBe(before[0]?.reserved);
  });

  it("blocks when an item is out of stock, and continues by itself once the sandbox restocks it", async () => {
    const services = testServicesLike();
    const id = await h.start("order.fulfill", order("ord_rare", { items: [{ sku: "RARE-1", quantity: 3 }] }));
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    const [op] = await t.db
      .$client`select blocked_kind, blocked_reason, action_required from operations where id = ${id}`;
    expect(op).toMatchObject({ blocked_kind: "precondition_failed" });
    // Staff read what will happen, and when a person takes over (4 h from the block).
    expect(op!.action_required).toMatch(/^Nothing yet: this is checked again by itself/);
    expect(op!.action_required).toMatch(/at once when the warehouse restocks/);
    expect(op!.action_required).toMatch(/handed to a person: Restock the items/);
    // The sandbox's Restock asks the blocked order to check again now: no person resumes it.
    expect(await services.restock({ sku: "RARE-1", quantity: 5 })).toEqual({ rechecks: 1 });
    expect(await h.waitFor(id)).toBe("completed");
    const resumed = (await h.events(id)).filter((e) => e.type === "resumed");
    expect(resumed).toEqual([
      expect.objectContaining({ step: "reserve_stock", data: expect.objectContaining({ recheck: true }) }),
    ]);
    expect(
      await count(t.db.$client`select count(*)::int as n from audit_records where operation_id = ${id}`),
    ).toBe(0);
  });

  it("cancelling an order with nothing to undo is failed at once, and its audit record says so", async () => {
    const id = await h.start(
      "order.fulfill",
      order("ord_cancel_now", { items: [{ sku: "NOPE-1", quantity: 1 }] }),
    );
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    expect(await act(id, "cancel", "The customer ordered an item we never sold")).toMatchObject({
      type: "done",
      statusBefore: "blocked",
      statusAfter: "failed",
    });
    // In the action's own commit: no worker turn needed to become what the record says.
    const [op] = await t.db.$client`select status from operations where id = ${id}`;
    expect(op!.status).toBe("failed");
    const [record] = await t.db.$client`
      select status_before, status_after, details from audit_records where operation_id = ${id}`;
    expect(record).toMatchObject({ status_before: "blocked", status_after: "failed", details: null });
  });

  it("a blocked order the shop cancels meanwhile fails at once, its stock never reserved", async () => {
    const services = testServicesLike();
    await services.restock({ sku: "RARE-2", quantity: 1 });
    const id = await h.start(
      "order.fulfill",
      order("ord_rare_cancel", { items: [{ sku: "RARE-2", quantity: 3 }] }),
    );
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    expect(await services.cancelShopOrder({ orderId: "ord_rare_cancel" })).toEqual({ rechecks: 1 });
    expect(await h.waitFor(id)).toBe("failed");
    const [op] = await t.db.$client`select error from operations where id = ${id}`;
    expect(op!.error).toMatchObject({ message: "The shop cancelled order ord_rare_cancel." });
    const [stock] = await t.db.$client`select reserved from sim_stock where sku = 'RARE-2'`;
    expect(stock!.reserved).toBe(0);
  });
});

/** The sandbox's controls as the console's buttons call them (services.sandbox). */
function testServicesLike() {
  return new SandboxControlsService({
    db: t.db,
    runs: h.runs,
    registry: defaultRegistry,
    providers: createProviders({ db: t.db }),
  });
}

describe("account.verify", () => {
  const applicant = (accountId: string, email: string) => ({
    accountId,
    email,
    country: "GB",
    documents: ["passport", "selfie"],
  });

  it("activates a low-risk account without a person", async () => {
    const id = await h.start("account.verify", applicant("acct_low", "lin+lowrisk@example.com"));
    expect(await h.waitFor(id)).toBe("completed");
    const [acct] = await t.db.$client`select status from sim_accounts where id = 'acct_low'`;
    expect(acct?.status).toBe("active");
  });

  it("waits for a compliance officer when the risk is high; approval activates", async () => {
    const id = await h.start("account.verify", applicant("acct_high", "max+highrisk@example.com"));
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    const [op] = await t.db.$client`select blocked_kind, current_step from operations where id = ${id}`;
    expect(op).toMatchObject({ blocked_kind: "awaiting_person", current_step: "manual_review" });
    const decided = await act(id, "approve", "The documents check out");
    expect(decided.type).toBe("done");
    const [review] = await t.db.$client`select status, reviewer from sim_reviews where operation_id = ${id}`;
    expect(review).toMatchObject({ status: "approved", reviewer: "user:operator@test.local" });
    expect(await h.waitFor(id)).toBe("completed");
  });

  it("a rejection fails the verification and deletes the documents", async () => {
    const id = await h.start("account.verify", applicant("acct_rejected", "eve+highrisk@example.com"));
    await h.waitFor(id, ["blocked"]);
    const decided = await act(id, "reject", "The passport is forged");
    expect(decided.type).toBe("done");
    expect(await h.waitFor(id)).toBe("failed");
    const docs = await t.db.$client`select status from sim_documents where account_id = 'acct_rejected'`;
    expect(docs.map((d) => d.status)).toEqual(["deleted", "deleted"]);
    const again = await act(id, "approve", "Approving it after all");
    expect(again.type).toBe("refused");
    const [review] = await t.db.$client`select status from sim_reviews where operation_id = ${id}`;
    expect(review?.status).toBe("rejected");
  });
});
