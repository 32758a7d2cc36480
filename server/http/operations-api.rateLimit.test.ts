/**
 * Intake is rate-limited per API key (issue 15): with a low configured limit
 * (THROUGHLINE_RATE_INTAKE=2/0.01: two at once, one more every 100 s) the third start from one key
 * is a 429 problem with Retry-After and writes nothing, while another key is still served.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { CALLER_LIMIT_DEFAULTS, callerLimitsFromEnv } from "@/server/auth/caller-limits";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { testServices } from "@/test/services";
import { operationsApi } from "./operations-api";

let t: TestDatabase;
let services: Services;
let api: ReturnType<typeof operationsApi>;
let keyA: string;
let keyB: string;

const start = (key: string, note: string) =>
  api.startOperation(
    new Request("http://throughline.test/api/v1/operations", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "demo.noop", input: { note } }),
    }),
  );
const countOps = async () =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from operations`))[0]!.n;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t, { limits: callerLimitsFromEnv({ THROUGHLINE_RATE_INTAKE: "2/0.01" }) });
  api = operationsApi(services);
  const key = async (name: string) =>
    (await createApiKey({ db: t.db, name, scopes: ["operations:write", "operations:read"] })).secret;
  keyA = await key("a");
  keyB = await key("b");
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("intake rate limit per API key", () => {
  it("answers the third start from one key with 429, Retry-After and nothing written", async () => {
    expect((await start(keyA, "one")).status).toBe(202);
    expect((await start(keyA, "two")).status).toBe(202);
    const before = await countOps();
    const res = await start(keyA, "three");
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(100);
    const doc = (await res.json()) as { type: string; status: number; title: string };
    expect(doc).toMatchObject({ type: "/problems/rate-limited", status: 429, title: "Too many requests" });
    expect(await countOps()).toBe(before);
  });

  it("keeps another key's budget whole", async () => {
    expect((await start(keyB, "b-one")).status).toBe(202);
  });

  it("defaults leave room for npm run bench (~1,000 starts/s from one key)", () => {
    const limits = callerLimitsFromEnv({});
    for (let i = 0; i < CALLER_LIMIT_DEFAULTS.intake.capacity; i++)
      expect(limits.intake.take("key:bench").ok).toBe(true);
    expect(CALLER_LIMIT_DEFAULTS.intake.refillPerS).toBeGreaterThanOrEqual(2_000);
  });
});
