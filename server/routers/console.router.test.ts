import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrackToken } from "@/server/auth/track-token";
import type { Principal } from "@/server/domain/principal";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertEvents } from "@/test/fixtures/operations";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
let staff: ReturnType<typeof createCaller>;
let anonymous: ReturnType<typeof createCaller>;
let operationId: string;

const OPERATOR: Principal = {
  kind: "staff",
  userId: "00000000-0000-7000-8000-0000000000c1",
  email: "operator@console.test",
  role: "operator",
};

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  services = testServices(t);
  staff = createCaller(createContextInner({ principal: OPERATOR, services }));
  anonymous = createCaller(createContextInner({ principal: { kind: "anonymous" }, services }));
  const started = await staff.operations.start({
    type: "order.fulfill",
    input: {
      orderId: "ord_77",
      customerEmail: "lin@example.com",
      items: [{ sku: "BOOK-1", quantity: 1 }],
      amountCents: 1200,
    },
    subject: "lin@example.com",
    reference: "ord_77",
    idempotencyKey: "idem-77",
  });
  operationId = started.id;
  // The same key again: a replay, recorded on the timeline.
  await staff.operations.start({
    type: "order.fulfill",
    input: {
      orderId: "ord_77",
      customerEmail: "lin@example.com",
      items: [{ sku: "BOOK-1", quantity: 1 }],
      amountCents: 1200,
    },
    subject: "lin@example.com",
    reference: "ord_77",
    idempotencyKey: "idem-77",
  });
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("console procedures", () => {
  it("refuses anonymous callers on every staff read and subscription", async () => {
    await expect(anonymous.dashboard.get()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.search.operations({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.search.operation({ id: operationId })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(anonymous.live.operation({ id: operationId })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(anonymous.live.changes({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.sandbox.faults()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("opens an operation with its idempotency record and the replay", async () => {
    const detail = await staff.search.operation({ id: operationId });
    expect(detail.operation).toMatchObject({
      reference: "ord_77",
      status: "accepted",
      title: "Fulfil an order",
    });
    expect(detail.idempotency).toMatchObject({ key: "idem-77", firstAnswer: { statusCode: 202 } });
    expect(detail.idempotency.replays).toHaveLength(1);
    expect(detail.steps.map((s) => s.title)).toEqual([
      "Reserve stock",
      "Charge payment",
      "Create shipment",
      "Email confirmation",
    ]);
    expect(detail.operation.trackPath).toMatch(/^\/track\//);
    await expect(
      staff.search.operation({ id: "0195f3a2-7b1c-7000-8000-000000000000" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("finds the operation by reference and by customer email", async () => {
    expect((await staff.search.operations({ q: "ord_77" })).rows.map((r) => r.id)).toEqual([operationId]);
    expect((await staff.search.operations({ q: "LIN@example.com" })).rows.map((r) => r.id)).toEqual([
      operationId,
    ]);
  });

  it("shows the end user product language only, and refuses tampered or expired links", async () => {
    const token = createTrackToken(operationId);
    const ok = await anonymous.track.get({ token });
    expect(ok.type).toBe("ok");
    const text = JSON.stringify(ok);
    for (const internal of [operationId, "reserve_stock", "charge_payment", "idem-77", "key:", "traceId"]) {
      expect(text).not.toContain(internal);
    }
    if (ok.type === "ok") expect(ok.view.headline).toBe("We've received your order.");

    const tampered = `${token.slice(0, -2)}${token.endsWith("A") ? "B" : "A"}A`;
    expect(await anonymous.track.get({ token: tampered })).toEqual({ type: "invalid" });
    const expired = createTrackToken(operationId, new Date(Date.now() - 3_600_000), 60);
    expect(await anonymous.track.get({ token: expired })).toEqual({ type: "expired" });
  });

  it("streams a change to a track page, and nothing to a tampered link", async () => {
    const token = createTrackToken(operationId);
    const page = await anonymous.track.get({ token });
    if (page.type !== "ok") throw new Error("expected a valid link");
    const ac = new AbortController();
    const caller = createCaller(createContextInner({ principal: { kind: "anonymous" }, services }), {
      signal: ac.signal,
    });
    const stream = await caller.track.watch({ token, lastEventId: page.cursor });
    const iterator = stream[Symbol.asyncIterator]();
    const first = iterator.next();
    // After the page's cursor: the stream's catch-up read or the hub delivers it, whichever is first.
    await insertEvents(t.db.$client, operationId, [
      { type: "step_started", step: "reserve_stock", data: { attempt: 1 } },
    ]);
    const got = await first;
    // On the server a tracked message is [id, data]; the id is the feed cursor to resume from.
    const [id, data] = got.value as unknown as [string, unknown];
    expect(id).toMatch(/^\d+:\d+:/);
    expect(data).toEqual({ changed: true });
    ac.abort();
    await iterator.return?.();

    const bad = await anonymous.track.watch({ token: "forged.token" });
    expect(await bad[Symbol.asyncIterator]().next()).toMatchObject({ done: true });
  });

  it("reads and writes the providers' fault settings", async () => {
    const before = await staff.sandbox.faults();
    expect(before.providers.map((p) => p.provider)).toEqual([
      "payments",
      "warehouse",
      "carrier",
      "email",
      "risk",
    ]);
    await staff.sandbox.setFault({
      provider: "carrier",
      latencyMs: 250,
      transientErrorRate: 0.5,
      permanentErrorRate: 0,
      loseAnswerRate: 0.1,
    });
    const after = await staff.sandbox.faults();
    expect(after.providers.find((p) => p.provider === "carrier")).toMatchObject({
      latencyMs: 250,
      transientErrorRate: 0.5,
    });
    await staff.sandbox.reset();
    expect((await staff.sandbox.faults()).providers.every((p) => p.transientErrorRate === 0)).toBe(true);
  });

  it("describes workflows with versions, in-flight work and their execution story", async () => {
    const { workflows } = await staff.workflows.summaries();
    const order = workflows.find((w) => w.type === "order.fulfill")!;
    expect(order.versions[0]).toMatchObject({ registered: true, inFlight: 1 });
    const story = await staff.workflows.story({ type: "order.fulfill" });
    expect(story.stories[0]!.steps[1]).toMatchObject({ title: "Charge payment", userText: "Taking payment" });
    const dashboard = await staff.dashboard.get();
    expect(dashboard.types.find((x) => x.type === "order.fulfill")!.counts.accepted).toBe(1);
  });
});
