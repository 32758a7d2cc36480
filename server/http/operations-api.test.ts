import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { testServices } from "@/test/services";
import { openApiDocument } from "./openapi";
import { operationsApi } from "./operations-api";

let t: TestDatabase;
let services: Services;
let api: ReturnType<typeof operationsApi>;
let writeKey: string;
let readKey: string;

const BASE = "http://throughline.test";
const order = {
  type: "order.fulfill",
  input: {
    orderId: "ord_9",
    customerEmail: "bo@example.com",
    items: [{ sku: "A", quantity: 2 }],
    amountCents: 500,
  },
  subject: "bo@example.com",
  reference: "ord_9",
};

function post(body: unknown, headers: Record<string, string> = {}) {
  return api.startOperation(
    new Request(`${BASE}/api/v1/operations`, {
      method: "POST",
      headers: { authorization: `Bearer ${writeKey}`, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}
const get = (path: string, key = readKey) =>
  new Request(`${BASE}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
const countOps = async () =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from operations`))[0]!.n;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  api = operationsApi(services);
  writeKey = (await createApiKey({ db: t.db, name: "both", scopes: ["operations:write", "operations:read"] }))
    .secret;
  readKey = (await createApiKey({ db: t.db, name: "reader", scopes: ["operations:read"] })).secret;
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("POST /api/v1/operations", () => {
  it("answers 202 with Location, Retry-After and the operation resource", async () => {
    const res = await post(order, { "idempotency-key": "first" });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(res.headers.get("location")).toBe(`/api/v1/operations/${body.id}`);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(body).toMatchObject({
      type: "order.fulfill",
      version: 1,
      status: "accepted",
      done: false,
      statusText: "We've received your order.",
      reference: "ord_9",
      links: { self: `/api/v1/operations/${body.id}` },
    });
    expect(body.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "reserve_stock:pending",
      "charge_payment:pending",
      "create_shipment:pending",
      "send_confirmation:pending",
    ]);
    expect(body.links.track).toMatch(/^\/track\/[\w-]+\.[\w-]+$/);
  });

  it("needs a key with the write scope: 401 without or with a wrong key, 403 with a read key", async () => {
    const anonymous = await api.startOperation(
      new Request(`${BASE}/api/v1/operations`, { method: "POST", body: "{}" }),
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
    expect((await post(order, { authorization: "Bearer tl_wrong" })).status).toBe(401);
    const reader = await post(order, { authorization: `Bearer ${readKey}` });
    expect(reader.status).toBe(403);
  });

  it("refuses malformed JSON (400), a non-JSON body (415) and an oversized body (413)", async () => {
    const before = await countOps();
    const malformed = await post("{not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ type: "/problems/malformed-json", status: 400 });
    expect((await post("a=b", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    const huge = await post({ ...order, input: { ...order.input, pad: "x".repeat(300 * 1024) } });
    expect(huge.status).toBe(413);
    expect(await countOps()).toBe(before);
  });

  it("names each invalid field with a JSON pointer (400) and writes nothing", async () => {
    const before = await countOps();
    const res = await post({
      ...order,
      input: { ...order.input, amountCents: -1, items: [{ sku: "", quantity: 1 }] },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ type: "/problems/invalid-input", title: "Invalid input", status: 400 });
    expect(body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      "/input/amountCents",
      "/input/items/0/sku",
    ]);
    const envelope = await post({ type: 42, input: [] });
    expect((await envelope.json()).errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      "/input",
      "/type",
    ]);
    expect(await countOps()).toBe(before);
  });

  it("answers 422 naming an unknown workflow type", async () => {
    const res = await post({ ...order, type: "pizza.bake" });
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toContain('"pizza.bake"');
  });

  it("replays the same operation for the same key and request; 422 for a different request", async () => {
    const first = await (await post(order, { "idempotency-key": "replay-me" })).json();
    const again = await post(order, { "idempotency-key": "replay-me" });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json()).id).toBe(first.id);
    const conflict = await post({ ...order, reference: "other" }, { "idempotency-key": "replay-me" });
    expect(conflict.status).toBe(422);
    expect((await conflict.json()).type).toBe("/problems/idempotency-conflict");
  });

  it("creates exactly one operation for 50 concurrent identical POSTs with one key", async () => {
    const before = await countOps();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post(order, { "idempotency-key": "burst-50" })),
    );
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json()).id)));
    expect(ids.size).toBe(1);
    expect(await countOps()).toBe(before + 1);
  });

  it("refuses a malformed Idempotency-Key", async () => {
    expect((await post(order, { "idempotency-key": "has space" })).status).toBe(400);
  });
});

describe("GET /api/v1/operations/{id} and the list", () => {
  it("returns the resource, 404 for an unknown id and for a malformed one", async () => {
    const created = await (await post(order)).json();
    const res = await api.getOperation(get(`/api/v1/operations/${created.id}`), created.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json()).id).toBe(created.id);
    const unknown = "01900000-0000-7000-8000-000000000000";
    expect((await api.getOperation(get(`/api/v1/operations/${unknown}`), unknown)).status).toBe(404);
    const malformed = await api.getOperation(get("/api/v1/operations/not-a-uuid"), "not-a-uuid");
    expect(malformed.status).toBe(404);
    expect((await api.getOperation(get("/x", ""), created.id)).status).toBe(401);
  });

  it("pages newest first with a cursor and filters by reference and status", async () => {
    for (let i = 0; i < 5; i++)
      await post({ ...order, reference: `page-${i}`, subject: "pager@example.com" });
    const first = await (
      await api.listOperations(get("/api/v1/operations?subject=pager@example.com&limit=3"))
    ).json();
    expect(first.items.map((o: { reference: string }) => o.reference)).toEqual([
      "page-4",
      "page-3",
      "page-2",
    ]);
    const second = await (
      await api.listOperations(
        get(`/api/v1/operations?subject=pager@example.com&limit=3&cursor=${first.next}`),
      )
    ).json();
    expect(second.items.map((o: { reference: string }) => o.reference)).toEqual(["page-1", "page-0"]);
    expect(second.next).toBeNull();
    const byRef = await (
      await api.listOperations(get("/api/v1/operations?reference=page-2&status=accepted"))
    ).json();
    expect(byRef.items).toHaveLength(1);
    const bad = await api.listOperations(get("/api/v1/operations?status=done&limit=0"));
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      "/query/limit",
      "/query/status",
    ]);
  });
});

describe("GET /api/v1/workflows and the OpenAPI document", () => {
  it("lists workflows with their JSON Schema and example input", async () => {
    const res = await api.listWorkflows(get("/api/v1/workflows"));
    const { workflows } = await res.json();
    const fulfil = workflows.find((w: { type: string }) => w.type === "order.fulfill");
    expect(fulfil).toMatchObject({ version: 1, completion: { mode: "staged" } });
    expect(fulfil.inputSchema.properties.customerEmail).toMatchObject({ type: "string", format: "email" });
    const exporter = workflows.find((w: { type: string }) => w.type === "report.export");
    expect(exporter.completion).toEqual({ mode: "sync", budgetMs: 2000 });
  });

  it("documents every route and the shared schemas", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual([
      "/api/v1/callbacks/{token}",
      "/api/v1/operations",
      "/api/v1/operations/{id}",
      "/api/v1/operations/{id}/steps/{step}/acknowledge",
      "/api/v1/workflows",
    ]);
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        "Operation",
        "Problem",
        "StartOperationRequest",
        "AcknowledgmentRequest",
        "Wait",
      ]),
    );
  });
});
