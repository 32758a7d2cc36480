/**
 * Fuzzing the public surfaces: hostile requests (fast-check) against every /api/v1 route handler
 * (the same Request → Response functions Next runs) and every tRPC procedure's input (through the
 * tRPC fetch transport, as an operator). The properties: no answer is 5xx, every /api/v1 4xx is a
 * well-formed problem document, every tRPC refusal is a typed error other than INTERNAL_SERVER_ERROR,
 * and afterwards no operation is half-written (every row has its steps and its first event).
 *
 * FUZZ_RUNS sets the number of requests per surface (npm test: a few hundred; `npm run proof:fuzz`
 * sets 10,000 in total). FUZZ_SEED makes a run reproducible; a failure prints its seed and path.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { appRouter } from "@/server/routers/_app";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const BASE = "http://localhost:3000";
const NUL = String.fromCharCode(0);

/** Strings an attacker sends: NUL, lone surrogates, SQL, HTML, huge, control and bidi characters. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "'; drop table operations; --",
    "' or '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    "\u202e\u0000\u200b",
    "../../etc/passwd",
    "%00%ff",
    "order.fulfill",
    "account.verify",
    "0190f5c4-0000-7000-8000-00000000beef",
  ),
  fc.integer({ min: 1, max: 300_000 }).map((n) => "x".repeat(n)),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2147483648, -1, 0, Number.MAX_SAFE_INTEGER, 1e308, -0),
);
const deep = fc.integer({ min: 1, max: 6000 }).map((n) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue(),
  deep,
  fc.array(hostileString, { maxLength: 50 }),
);
const FIELDS = [
  "type",
  "input",
  "subject",
  "reference",
  "orderId",
  "customerEmail",
  "items",
  "amountCents",
  "currency",
  "__proto__",
  "constructor",
  "id",
  "token",
  "reason",
  "cursor",
  "limit",
];
const hostileObject = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), hostileString), hostileValue, {
  maxKeys: 8,
});
const orderInput = fc.record({
  orderId: fc.oneof(hostileString, fc.constant("ord_1")),
  customerEmail: fc.oneof(hostileString, fc.constant("ada@example.com")),
  items: fc.oneof(
    fc.array(fc.record({ sku: hostileString, quantity: hostileNumber }), { maxLength: 5 }),
    hostileValue,
  ),
  amountCents: hostileNumber,
  currency: fc.oneof(hostileString, fc.constant("EUR")),
});
/** A body: JSON of a hostile start request, or bytes that are not JSON at all. */
const body = fc.oneof(
  fc
    .record(
      {
        type: fc.oneof(hostileString, fc.constantFrom("order.fulfill", "account.verify", "demo.noop")),
        input: fc.oneof(orderInput, hostileObject, hostileValue),
        subject: hostileValue,
        reference: hostileValue,
      },
      { requiredKeys: [] },
    )
    .map((o) => safeStringify(o)),
  hostileString,
  fc.constantFrom("", "{", "null", "[]", '{"type":', "\uFEFF{}", '{"a":1}{"b":2}'),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "",
);
const headerValue = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom("", " ", "x".repeat(4000)));

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return "[]"; // a value too deep for the generator's own stringify
  }
}

let t: TestDatabase;
let writeKey: string;
let operationId: string;
type Handler = (req: Request, ctx: unknown) => Promise<Response>;
let routes: {
  opsPost: Handler;
  opsGet: Handler;
  opGet: Handler;
  workflows: Handler;
  trpc: Handler;
  trpcGet: Handler;
};
const counts = { http: 0, trpc: 0, status: {} as Record<string, number> };

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "fuzz-secret";
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  const mod = async (p: string) => (await import(path.join(ROOT, p))) as Record<string, Handler>;
  const ops = await mod("app/api/v1/operations/route.ts");
  const one = await mod("app/api/v1/operations/[id]/route.ts");
  const wf = await mod("app/api/v1/workflows/route.ts");
  const trpc = await mod("app/api/trpc/[trpc]/route.ts");
  routes = {
    opsPost: ops.POST!,
    opsGet: ops.GET!,
    opGet: one.GET!,
    workflows: wf.GET!,
    trpc: trpc.POST!,
    trpcGet: trpc.GET!,
  };
  writeKey = (await createApiKey({ db: t.db, name: "fuzz", scopes: ["operations:read", "operations:write"] }))
    .secret;
  operationId = await insertOperation(t.db.$client, { type: "order.fulfill" });
}, 60_000);
afterAll(async () => {
  console.log(
    `fuzz: ${counts.http} HTTP + ${counts.trpc} tRPC requests; statuses ${JSON.stringify(counts.status)}`,
  );
  await t.drop();
});

function tally(status: number) {
  counts.status[status] = (counts.status[status] ?? 0) + 1;
}

/** A 4xx from /api/v1 must be an RFC 9457 problem document; nothing may be 5xx. */
async function checkProblem(res: Response, what: string) {
  tally(res.status);
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get("content-type") ?? "", what).toContain("application/problem+json");
    const doc = (await res.json()) as { type?: unknown; title?: unknown; status?: unknown };
    expect(typeof doc.type, what).toBe("string");
    expect(typeof doc.title, what).toBe("string");
    expect(doc.status, what).toBe(res.status);
  } else await res.arrayBuffer();
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const fcOptions = { numRuns: RUNS, seed: SEED, endOnFailure: true } as const;

describe("fuzz /api/v1", () => {
  it("POST /api/v1/operations: hostile bodies, content types and headers", async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, headerValue, fc.boolean(), async (text, type, idem, auth) => {
        const headers = new Headers();
        if (type) headers.set("content-type", type);
        if (auth) headers.set("authorization", `Bearer ${writeKey}`);
        else headers.set("authorization", `Bearer ${idem.replace(/[^\x21-\x7e]/g, "")}`);
        const key = idem.replace(/[^\x20-\x7e]/g, "");
        if (key) headers.set("idempotency-key", key);
        const res = await routes.opsPost(
          new Request(`${BASE}/api/v1/operations`, { method: "POST", headers, body: text }),
          {},
        );
        counts.http++;
        await checkProblem(res, `POST ${text.slice(0, 200)}`);
      }),
      fcOptions,
    );
  }, 600_000);

  it("GET /api/v1/operations, /operations/{id}, /workflows: hostile queries and ids", async () => {
    const query = fc.dictionary(
      fc.oneof(fc.constantFrom("status", "type", "subject", "reference", "limit", "cursor"), hostileString),
      hostileString,
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(query, hostileString, fc.nat(2), async (q, id, which) => {
        const headers = { authorization: `Bearer ${writeKey}` };
        const search = new URLSearchParams(
          Object.entries(q).map(([k, v]) => [k.slice(0, 500), v.slice(0, 2000).split(NUL).join("")]),
        );
        // A lone surrogate cannot be percent-encoded by a client at all; send its well-formed spelling.
        const safeId = encodeURIComponent(id.slice(0, 2000).replace(/[\ud800-\udfff]/g, "\ufffd"));
        const res =
          which === 0
            ? await routes.opsGet(new Request(`${BASE}/api/v1/operations?${search}`, { headers }), {})
            : which === 1
              ? await routes.opGet(
                  new Request(`${BASE}/api/v1/operations/${safeId}`, { headers }),
                  params(id),
                )
              : await routes.workflows(new Request(`${BASE}/api/v1/workflows?${search}`, { headers }), {});
        counts.http++;
        await checkProblem(res, `GET#${which} ${JSON.stringify(q).slice(0, 200)} ${id.slice(0, 100)}`);
      }),
      fcOptions,
    );
  }, 600_000);
});

describe("known holes found by this fuzz (issue 15, proof-holes stream): remove it.fails once fixed", () => {
  it.fails("GET /api/v1/operations?subject=%00 answers a 400 problem (today: 500, PostgreSQL refuses the NUL)", async () => {
    for (const field of ["subject", "reference", "type"]) {
      const res = await routes.opsGet(
        new Request(`${BASE}/api/v1/operations?${field}=a%00b`, {
          headers: { authorization: `Bearer ${writeKey}` },
        }),
        {},
      );
      expect(res.status).toBe(400);
    }
  });
});

type AnyProcedure = { _def: { type: "query" | "mutation" | "subscription" } };
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, AnyProcedure>,
).filter(([, p]) => p._def.type !== "subscription");

describe("fuzz every tRPC procedure's input through the fetch transport", () => {
  let cookieHeaders: Record<string, string>;
  beforeAll(async () => {
    const { createStaffUser } = await import("@/server/auth/people");
    const { processServices } = await import("@/app/_lib/services");
    const { handleAuthRequest } = await import("@/server/auth/handler");
    const { SYSTEM_ACTOR, NO_REQUEST } = await import("@/server/audit/write");
    const email = "fuzz-admin@fuzz.test";
    await createStaffUser({
      db: t.db,
      email,
      name: "fuzz",
      password: "fuzz password 123",
      role: "admin",
      actor: SYSTEM_ACTOR,
      request: NO_REQUEST,
    });
    const res = await handleAuthRequest(
      processServices().auth,
      new Request(`${BASE}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "fuzz password 123" }),
      }),
    );
    expect(res.status).toBe(200);
    cookieHeaders = {
      cookie: res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; "),
      origin: BASE,
    };
  });

  it("no procedure answers 5xx; every error is a typed tRPC error", async () => {
    const input = fc.oneof(
      hostileObject,
      hostileValue,
      fc.record(
        { operationId: fc.oneof(hostileString, fc.constant(operationId)), reason: hostileString },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          id: fc.oneof(hostileString, fc.constant(operationId)),
          token: hostileString,
          limit: hostileNumber,
          cursor: hostileString,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures.map(([name]) => name)), input, async (name, value) => {
        const kind = procedures.find(([n]) => n === name)![1]._def.type;
        const json = safeStringify({ json: value });
        const req =
          kind === "query"
            ? new Request(
                `${BASE}/api/trpc/${name}?input=${encodeURIComponent(json.slice(0, 6000).replace(/[\ud800-\udfff]/g, "\ufffd"))}`,
                {
                  headers: cookieHeaders,
                },
              )
            : new Request(`${BASE}/api/trpc/${name}`, {
                method: "POST",
                headers: { ...cookieHeaders, "content-type": "application/json" },
                body: json,
              });
        const res = await (kind === "query" ? routes.trpcGet : routes.trpc)(req, {});
        counts.trpc++;
        tally(res.status);
        const text = await res.text();
        expect(res.status, `${name} ${json.slice(0, 300)} → ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const doc = JSON.parse(text) as { error?: { json?: { data?: { code?: string } } } };
          expect(typeof doc.error?.json?.data?.code, `${name} ${text.slice(0, 300)}`).toBe("string");
        }
      }),
      fcOptions,
    );
  }, 600_000);
});

describe("after the fuzz", () => {
  it("no operation is half-written: each has its steps and its first event", async () => {
    const rows = await t.db.$client<{ id: string }[]>`
      select o.id from operations o
      where o.id <> ${operationId} -- the fixture row, written without steps on purpose
        and (not exists (select 1 from steps s where s.operation_id = o.id)
         or not exists (select 1 from events e where e.operation_id = o.id))`;
    expect(rows).toEqual([]);
  });
});
