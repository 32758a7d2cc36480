/**
 * Through the real tRPC fetch route (issue 15): a batch of MAX_TRPC_BATCH calls is answered, one
 * more is a typed BAD_REQUEST; a body over THROUGHLINE_BODY_LIMIT_BYTES is a typed 413 whether or not
 * it declares its length; a rate-limited call (THROUGHLINE_RATE_INTAKE=2/0.01 here) is a 429
 * TOO_MANY_REQUESTS with Retry-After, like the REST API's.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { MAX_TRPC_BATCH } from "@/server/trpc/limits";
import { createTestDatabase, type TestDatabase } from "@/test/db";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
type Handler = (req: Request) => Promise<Response>;
let t: TestDatabase;
let GET: Handler;
let POST: Handler;

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "batch-secret";
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  process.env.THROUGHLINE_RATE_INTAKE = "2/0.01";
  ({ GET, POST } = (await import(path.join(ROOT, "app/api/trpc/[trpc]/route.ts"))) as {
    GET: Handler;
    POST: Handler;
  });
}, 60_000);
afterAll(async () => {
  await t.drop();
});

/** A batch of `n` calls of auth.me (public, reads nothing but the session). */
const batch = (n: number) =>
  GET(
    new Request(
      `http://localhost:3000/api/trpc/${Array.from({ length: n }, () => "auth.me").join(",")}?batch=1&input=${encodeURIComponent(
        JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }]))),
      )}`,
    ),
  );

describe("tRPC batch cap", () => {
  it(`answers a batch of ${MAX_TRPC_BATCH} calls, each one`, async () => {
    const res = await batch(MAX_TRPC_BATCH);
    expect(res.status).toBe(200);
    const answers = (await res.json()) as { result?: unknown }[];
    expect(answers).toHaveLength(MAX_TRPC_BATCH);
    expect(answers.every((a) => a.result)).toBe(true);
  });

  it(`refuses a batch of ${MAX_TRPC_BATCH + 1} with one typed BAD_REQUEST`, async () => {
    const res = await batch(MAX_TRPC_BATCH + 1);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error?: { json?: { data?: { code?: string } } } }[] | object;
    const errors = Array.isArray(body) ? body : [body];
    for (const e of errors as { error?: { json?: { data?: { code?: string } } } }[])
      expect(e.error?.json?.data?.code).toBe("BAD_REQUEST");
  });

  it("answers a rate-limited start with 429, TOO_MANY_REQUESTS and Retry-After", async () => {
    const { secret } = await createApiKey({ db: t.db, name: "limited", scopes: ["operations:write"] });
    const start = (note: string) =>
      POST(
        new Request("http://localhost:3000/api/trpc/operations.start", {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ json: { type: "demo.noop", input: { note } } }),
        }),
      );
    expect((await start("one")).status).toBe(200);
    expect((await start("two")).status).toBe(200);
    const res = await start("three");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error?: { json?: { data?: { code?: string } } } };
    expect(body.error?.json?.data?.code).toBe("TOO_MANY_REQUESTS");
  });

  it("refuses a body over the limit with a typed 413, declared or streamed", async () => {
    // A caller past the gate (the body is read only then): a fresh key, two starts within its budget.
    const { secret } = await createApiKey({ db: t.db, name: "big", scopes: ["operations:write"] });
    const body = JSON.stringify({ json: { type: "demo.noop", input: { note: "x".repeat(300_000) } } });
    for (const declared of [true, false]) {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        authorization: `Bearer ${secret}`,
      };
      if (declared) headers["content-length"] = String(Buffer.byteLength(body));
      const res = await POST(
        new Request("http://localhost:3000/api/trpc/operations.start", { method: "POST", headers, body }),
      );
      expect(res.status).toBe(413);
      const answer = (await res.json()) as { error?: { json?: { data?: { code?: string } } } };
      expect(answer.error?.json?.data?.code).toBe("PAYLOAD_TOO_LARGE");
    }
  });
});
