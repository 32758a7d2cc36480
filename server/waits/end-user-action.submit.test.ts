import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "@/server/auth/rate-limit";
import { createTrackToken } from "@/server/auth/track-token";
import { createCaller } from "@/server/routers/_app";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { retryAfterOf } from "@/server/trpc/rate-limited";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR, TEST_SUPPORT } from "@/test/principals";
import { testServices } from "@/test/services";

let t: TestDatabase;
let h: EngineHarness;
let services: Services;

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
  await h.startWorker();
  services = testServices(t, {
    runs: h.runs,
    limits: {
      intake: new RateLimiter({ capacity: 100, refillPerS: 100 }),
      actions: new RateLimiter({ capacity: 100, refillPerS: 100 }),
      forms: new RateLimiter({ capacity: 3, refillPerS: 0.001 }),
    },
  });
});
afterAll(async () => {
  await services?.close();
  await h?.close();
  await t?.drop();
});

const address = {
  recipient: "Ada Lovelace",
  street: "12 St James's Square",
  postalCode: "SW1Y 4JH",
  city: "London",
  country: "GB",
};
const order = (orderId: string, email = "ada+highrisk@example.com") => ({
  orderId,
  customerEmail: email,
  items: [{ sku: "BOOK-42", quantity: 1 }],
  amountCents: 2599,
  shippingAddress: address,
});
const answer = { ...address, country: "gb" };

let addressSeq = 0;
/** A track-link caller at its own address (each test its own rate-limit bucket unless told). */
function linkCaller(options: { address?: string; originTrusted?: boolean } = {}) {
  return createCaller(
    createContextInner({
      principal: { kind: "anonymous" },
      services,
      request: { requestId: null, clientAddress: options.address ?? `203.0.113.${++addressSeq}` },
      originTrusted: options.originTrusted ?? true,
    }),
  );
}
const staff = (principal = TEST_OPERATOR) =>
  createCaller(
    createContextInner({ principal, services, request: { requestId: "r1", clientAddress: "198.51.100.7" } }),
  );

/** Starts a flagged order and resolves once it waits for its customer. */
async function waitingForCustomer(orderId: string): Promise<string> {
  const id = await h.start("order.fulfill", order(orderId));
  await h.waitFor(id, ["blocked"]);
  const [op] = await t.db.$client`select blocked_kind, current_step from operations where id = ${id}`;
  expect(op).toMatchObject({ blocked_kind: "awaiting_end_user", current_step: "charge_payment" });
  return id;
}

async function refusal(call: Promise<unknown>): Promise<{ code: string; type?: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const domain = (error.cause as { type?: string } | undefined)?.type;
    return { code: error.code, ...(domain ? { type: domain } : {}) };
  }
  throw new Error("expected a refusal");
}

const answers = async (id: string) =>
  t.db
    .$client`select payload, completed_by from waits where operation_id = ${id} and kind = 'end_user_action'`;

describe("an end user's answer to a step's form (order.fulfill address confirmation)", () => {
  it("resumes the order from its track link: one answer, one audit record as the end user, then completed", async () => {
    const id = await waitingForCustomer("ord_eua_ok");
    const view = await linkCaller().track.get({ token: createTrackToken(id) });
    expect(view).toMatchObject({
      type: "ok",
      view: { state: "action_needed", form: { title: "Confirm your delivery address" } },
    });
    const caller = linkCaller({ address: "203.0.113.200" });
    expect(await caller.endUser.answer({ token: createTrackToken(id), values: answer })).toEqual({
      replayed: false,
    });
    expect(await h.waitFor(id)).toBe("completed");
    expect(await answers(id)).toEqual([
      { payload: { ...address, country: "GB" }, completed_by: "track:203.0.113.200" },
    ]);
    // The wait ran from the block (when the customer was asked) to the answer.
    const [span] = await t.db.$client`
      select w.created_at = (select max(at) from events e
          where e.operation_id = w.operation_id and e.type = 'blocked' and e.step = w.step) as "sinceBlock",
        w.created_at < w.completed_at as "beforeAnswer"
      from waits w where w.operation_id = ${id} and w.kind = 'end_user_action'`;
    expect(span).toEqual({ sinceBlock: true, beforeAnswer: true });
    const audit = await t.db.$client`
      select actor_kind, actor_label, action, client_address, step, status_before, status_after, details, at
      from audit_records where operation_id = ${id}`;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_kind: "end_user",
      actor_label: "customer (track link)",
      action: "end_user_action_submitted",
      client_address: "203.0.113.200",
      step: "charge_payment",
      status_before: "blocked",
      status_after: "processing",
    });
    expect(audit[0]!.details).toMatchObject({
      fields: ["recipient", "street", "postalCode", "city", "country"],
    });
    // The charge ran once, after the answer.
    const [charges] = await t.db
      .$client`select count(*)::int as n from sim_charges where order_id = 'ord_eua_ok'`;
    expect(charges!.n).toBe(1);
  });

  it("a second submission: the same answer is replayed, another refused; the first stands", async () => {
    const id = await waitingForCustomer("ord_eua_twice");
    const token = createTrackToken(id);
    await linkCaller().endUser.answer({ token, values: answer });
    expect(await linkCaller().endUser.answer({ token, values: answer })).toEqual({ replayed: true });
    expect(
      await refusal(linkCaller().endUser.answer({ token, values: { ...answer, city: "Paris" } })),
    ).toEqual({
      code: "CONFLICT",
      type: "already_done",
    });
    expect(await h.waitFor(id)).toBe("completed");
    expect(await answers(id)).toHaveLength(1);
  });

  it("concurrent identical answers resume once", async () => {
    const id = await waitingForCustomer("ord_eua_race");
    const token = createTrackToken(id);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => linkCaller().endUser.answer({ token, values: answer })),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await h.waitFor(id)).toBe("completed");
    expect(await answers(id)).toHaveLength(1);
    const [n] = await t.db.$client`select count(*)::int as n from audit_records where operation_id = ${id}`;
    expect(n!.n).toBe(1);
  });

  it("refuses another operation's link, an expired link, a forged one and a field outside the form, writing nothing", async () => {
    const id = await waitingForCustomer("ord_eua_refused");
    // Another operation's link: a finished one that never waited for its customer.
    const other = await h.start("order.fulfill", { ...order("ord_eua_other", "grace@example.com") });
    expect(await h.waitFor(other)).toBe("completed");
    expect(
      await refusal(linkCaller().endUser.answer({ token: createTrackToken(other), values: answer })),
    ).toEqual({ code: "PRECONDITION_FAILED", type: "invalid_state" });
    const expired = createTrackToken(id, new Date(Date.now() - 3_600_000), 60);
    expect(await refusal(linkCaller().endUser.answer({ token: expired, values: answer }))).toEqual({
      code: "BAD_REQUEST",
      type: "invalid_token",
    });
    const forged = `${createTrackToken(id).slice(0, -2)}AA`;
    expect(await refusal(linkCaller().endUser.answer({ token: forged, values: answer }))).toEqual({
      code: "NOT_FOUND",
      type: "not_found",
    });
    const token = createTrackToken(id);
    expect(
      await refusal(linkCaller().endUser.answer({ token, values: { ...answer, note: "leave at the door" } })),
    ).toEqual({ code: "BAD_REQUEST", type: "invalid_input" });
    expect(
      await refusal(linkCaller().endUser.answer({ token, values: { ...answer, country: "Britain" } })),
    ).toEqual({
      code: "BAD_REQUEST",
      type: "invalid_input",
    });
    // Nothing was written: still waiting, no answer, no audit record.
    const [op] = await t.db.$client`select status, blocked_kind from operations where id = ${id}`;
    expect(op).toMatchObject({ status: "blocked", blocked_kind: "awaiting_end_user" });
    expect(await answers(id)).toHaveLength(0);
    // The positive control: the same link with the declared fields is taken.
    expect(await linkCaller().endUser.answer({ token, values: answer })).toEqual({ replayed: false });
    expect(await h.waitFor(id)).toBe("completed");
  });

  it("refuses a link once the block was resolved another way (staff resumed into a cancel)", async () => {
    const id = await waitingForCustomer("ord_eua_cancelled");
    await staff().actions.cancel({ operationId: id, reason: "The customer asked us to cancel by phone." });
    expect(await h.waitFor(id)).toBe("failed");
    expect(
      await refusal(linkCaller().endUser.answer({ token: createTrackToken(id), values: answer })),
    ).toEqual({ code: "PRECONDITION_FAILED", type: "invalid_state" });
    expect(await answers(id)).toHaveLength(0);
  });

  it("lets staff answer for the customer with a reason (audited as them), after which the link is refused", async () => {
    const id = await waitingForCustomer("ord_eua_staff");
    // Support sees the wait, since when, and the form (its words, no schemas).
    const seen = await staff(TEST_SUPPORT).endUser.waiting({ operationId: id });
    expect(seen).toMatchObject({
      step: "charge_payment",
      stepTitle: "Charge payment",
      waitingFor: "Waiting for the customer to confirm the delivery address",
      form: { title: "Confirm your delivery address", submitText: "Confirm address" },
    });
    const [blockedAt] = await t.db
      .$client`select max(at) as at from events where operation_id = ${id} and type = 'blocked'`;
    expect(seen!.since).toEqual(new Date(blockedAt!.at));
    expect(
      await refusal(
        staff(TEST_SUPPORT).endUser.answerForCustomer({
          operationId: id,
          values: answer,
          reason: "Confirmed on the phone.",
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(
      await refusal(staff().endUser.answerForCustomer({ operationId: id, values: answer, reason: " " })),
    ).toEqual({ code: "BAD_REQUEST", type: "invalid_input" });
    await staff().endUser.answerForCustomer({
      operationId: id,
      values: answer,
      reason: "The customer confirmed the address on the phone.",
    });
    expect(await h.waitFor(id)).toBe("completed");
    expect(await staff(TEST_SUPPORT).endUser.waiting({ operationId: id })).toBeNull();
    const [audit] = await t.db.$client`
      select actor_kind, actor_label, action, reason, client_address from audit_records where operation_id = ${id}`;
    expect(audit).toMatchObject({
      actor_kind: "user",
      actor_label: TEST_OPERATOR.kind === "staff" ? TEST_OPERATOR.email : "",
      action: "end_user_action_resolved",
      reason: "The customer confirmed the address on the phone.",
      client_address: "198.51.100.7",
    });
    expect(
      await refusal(
        linkCaller().endUser.answer({ token: createTrackToken(id), values: { ...answer, city: "Leeds" } }),
      ),
    ).toEqual({ code: "CONFLICT", type: "already_done" });
  });

  it("refuses a cross-site post and rate-limits per link and address (429 with Retry-After)", async () => {
    const id = await waitingForCustomer("ord_eua_limits");
    const token = createTrackToken(id);
    expect(
      await refusal(linkCaller({ originTrusted: false }).endUser.answer({ token, values: answer })),
    ).toMatchObject({ code: "FORBIDDEN" });
    const same = linkCaller({ address: "203.0.113.250" });
    const bad = { ...answer, note: "x" };
    for (let i = 0; i < 3; i++)
      expect((await refusal(same.endUser.answer({ token, values: bad }))).code).toBe("BAD_REQUEST");
    let limited: TRPCError | null = null;
    try {
      await same.endUser.answer({ token, values: answer });
    } catch (error) {
      limited = error as TRPCError;
    }
    expect(limited?.code).toBe("TOO_MANY_REQUESTS");
    expect(retryAfterOf(limited!)).toBeGreaterThan(0);
    // Another address for the same link has its own budget (and the order goes on).
    expect(await linkCaller({ address: "203.0.113.251" }).endUser.answer({ token, values: answer })).toEqual({
      replayed: false,
    });
    await eventually(async () => expect(await h.waitFor(id)).toBe("completed"));
  });

  it("never asks an order without a shipping address, flagged or not (operations accepted before this)", async () => {
    const { shippingAddress: _, ...plain } = order("ord_eua_plain");
    const id = await h.start("order.fulfill", plain);
    expect(await h.waitFor(id)).toBe("completed");
    const low = await h.start("order.fulfill", order("ord_eua_low", "grace@example.com"));
    expect(await h.waitFor(low)).toBe("completed");
  });
});
