import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { testServices } from "@/test/services";
import { operationsApi } from "./operations-api";

let t: TestDatabase;
let services: Services;
let api: ReturnType<typeof operationsApi>;
let ordersOnly: string;
let orderId: string;
let verificationId: string;

const BASE = "http://throughline.test";
const get = (path: string, key: string) =>
  new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  api = operationsApi(services);
  ordersOnly = (
    await createApiKey({
      db: t.db,
      name: "shop",
      scopes: ["operations:read", "operations:write"],
      workflowTypes: ["order.fulfill"],
    })
  ).secret;
  orderId = await insertOperation(t.db.$client, { type: "order.fulfill" });
  verificationId = await insertOperation(t.db.$client, { type: "account.verify" });
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("an API key limited to workflow types", () => {
  it("reads its own types' operations", async () => {
    const res = await api.getOperation(get(`/api/v1/operations/${orderId}`, ordersOnly), orderId);
    expect(res.status).toBe(200);
  });

  it("gets another type's operation answered exactly like one that does not exist", async () => {
    const other = await api.getOperation(
      get(`/api/v1/operations/${verificationId}`, ordersOnly),
      verificationId,
    );
    const missingId = "0190f5c4-0000-7000-8000-00000000dead";
    const missing = await api.getOperation(get(`/api/v1/operations/${missingId}`, ordersOnly), missingId);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (body: { detail: string }) => ({ ...body, detail: body.detail.replace(/"[^"]+"/, '"…"') });
    expect(strip(await other.json())).toEqual(strip(await missing.json()));
  });

  it("lists and describes only its own types, and may not start others", async () => {
    const list = await (await api.listOperations(get("/api/v1/operations", ordersOnly))).json();
    expect(list.items.map((o: { type: string }) => o.type)).toEqual(["order.fulfill"]);
    const workflows = await (await api.listWorkflows(get("/api/v1/workflows", ordersOnly))).json();
    expect(workflows.workflows.map((w: { type: string }) => w.type)).toEqual(["order.fulfill"]);
    const start = await api.startOperation(
      new Request(`${BASE}/api/v1/operations`, {
        method: "POST",
        headers: { authorization: `Bearer ${ordersOnly}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "demo.noop", input: {} }),
      }),
    );
    expect(start.status).toBe(403);
  });
});
