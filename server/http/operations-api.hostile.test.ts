import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { testServices } from "@/test/services";
import { operationsApi } from "./operations-api";

/** Issue 15 hole 3: hostile query strings and path parameters are a 400 naming the parameter, not a 500. */
let t: TestDatabase;
let services: Services;
let api: ReturnType<typeof operationsApi>;
let key: string;
const BASE = "http://throughline.test";
const get = (path: string) => new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  api = operationsApi(services);
  key = (await createApiKey({ db: t.db, name: "reader", scopes: ["operations:read"] })).secret;
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

async function refusal(res: Response) {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { type: string; errors: { pointer: string; detail: string }[] };
}

describe("GET /api/v1/operations with hostile query parameters", () => {
  it.each(["subject", "reference", "type"])("a NUL in ?%s= is a 400 naming the parameter", async (name) => {
    const body = await refusal(await api.listOperations(get(`/api/v1/operations?${name}=a%00b`)));
    expect(body.type).toBe("/problems/invalid-request");
    expect(body.errors).toEqual([expect.objectContaining({ pointer: `/query/${name}` })]);
  });
  it("a NUL in an unknown parameter's name is refused too", async () => {
    const body = await refusal(await api.listOperations(get("/api/v1/operations?x%00y=1")));
    expect(body.errors[0]!.pointer).toBe("/query");
  });
  it("ordinary text still filters (positive control)", async () => {
    const res = await api.listOperations(get(`/api/v1/operations?subject=${encodeURIComponent("ünï 🚚")}`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [], next: null });
  });
});

describe("GET /api/v1/operations/{id} with a hostile id", () => {
  it.each(["a\u0000b", "0190f5c4-0000-7000-8000-00000000beef\u0000", "\ud800"])(
    "%j is a 400 naming the path parameter",
    async (id) => {
      const body = await refusal(await api.getOperation(get("/api/v1/operations/x"), id));
      expect(body.errors).toEqual([expect.objectContaining({ pointer: "/path/id" })]);
    },
  );
  it("a well-formed unknown id is still a 404 (positive control)", async () => {
    const res = await api.getOperation(get("/api/v1/operations/x"), "0190f5c4-0000-7000-8000-00000000beef");
    expect(res.status).toBe(404);
  });
});
