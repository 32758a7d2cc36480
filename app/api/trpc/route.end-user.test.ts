/**
 * An end-user form's answer through the real tRPC fetch route (issue 12): cross-site posting is
 * refused — a form-encoded or text/plain body (what another site's <form> can send without a
 * preflight) 415 before any procedure runs, a JSON post from another Origin or with none 403 —
 * and a same-origin JSON post from the track page is taken (the positive control). Nothing of
 * the refusals reaches the operation. Answers are budgeted per link and address (429).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrackToken } from "@/server/auth/track-token";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
type Handler = (req: Request) => Promise<Response>;
let t: TestDatabase;
let POST: Handler;
let token: string;
let operationId: string;

const values = {
  recipient: "Ada Lovelace",
  street: "1 Main St",
  postalCode: "12345",
  city: "Berlin",
  country: "DE",
};

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "end-user-secret";
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  // Two answers at once per link and address, then one every 100 s.
  process.env.THROUGHLINE_RATE_FORMS = "2/0.01";
  ({ POST } = (await import(path.join(ROOT, "app/api/trpc/[trpc]/route.ts"))) as { POST: Handler });
  operationId = await insertOperation(t.db.$client, {
    type: "order.fulfill",
    status: "blocked",
    blockedKind: "awaiting_end_user",
    blockedReason: "Flagged by the risk check.",
    actionRequired: "Wait for the customer.",
    currentStep: "charge_payment",
    steps: [
      { name: "reserve_stock", status: "succeeded", attempts: 1 },
      { name: "charge_payment", status: "pending", attempts: 1 },
      { name: "create_shipment" },
      { name: "send_confirmation" },
    ],
  });
  token = createTrackToken(operationId);
}, 60_000);
afterAll(async () => {
  await t.drop();
});

const post = (headers: Record<string, string>, body: string) =>
  POST(new Request("http://localhost:3000/api/trpc/endUser.answer", { method: "POST", headers, body }));
const json = () => JSON.stringify({ json: { token, values } });
const answers = async () =>
  (await t.db.$client`select count(*)::int as n from waits where operation_id = ${operationId}`)[0]!.n;

describe("endUser.answer over HTTP", () => {
  it("refuses what a cross-site form can send without a preflight: 415, nothing written", async () => {
    const form = `token=${encodeURIComponent(token)}&values[city]=Berlin`;
    for (const contentType of ["application/x-www-form-urlencoded", "text/plain"]) {
      const res = await post({ "content-type": contentType, origin: "https://evil.example" }, form);
      expect(res.status).toBe(415);
    }
    expect(await answers()).toBe(0);
  });

  it("refuses a JSON post from another origin, or with no Origin or Referer: 403, nothing written", async () => {
    for (const origin of [{ origin: "https://evil.example" }, {}] as Record<string, string>[]) {
      const res = await post({ "content-type": "application/json", ...origin }, json());
      expect(res.status).toBe(403);
    }
    expect(await answers()).toBe(0);
  });

  it("takes the track page's own same-origin JSON post", async () => {
    const res = await post({ "content-type": "application/json", origin: "http://localhost:3000" }, json());
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await answers()).toBe(1);
    const [op] = await t.db.$client`select status, blocked_kind from operations where id = ${operationId}`;
    expect(op).toMatchObject({ status: "processing", blocked_kind: null });
  });

  it("rate-limits per link and client address: 429 with Retry-After", async () => {
    const other = createTrackToken(await insertOperation(t.db.$client, { type: "order.fulfill" }));
    const from = (address: string) =>
      post(
        {
          "content-type": "application/json",
          origin: "http://localhost:3000",
          "x-throughline-peer-address": address,
        },
        JSON.stringify({ json: { token: other, values } }),
      );
    expect((await from("192.0.2.1")).status).toBe(412);
    expect((await from("192.0.2.1")).status).toBe(412);
    const limited = await from("192.0.2.1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address has its own budget.
    expect((await from("192.0.2.2")).status).toBe(412);
  });
});
