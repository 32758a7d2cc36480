import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { appRouter, createCaller } from "@/server/routers/_app";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_OPERATOR } from "@/test/principals";
import { testServices } from "@/test/services";
import { createContext, createContextInner } from "./context";

/**
 * Issue 15 hole 3 for tRPC: deep nesting, a NUL or an unpaired surrogate in any procedure's input
 * is a typed BAD_REQUEST naming the field (one guard in server/trpc/init.ts, not per procedure),
 * and nothing is written.
 */
let t: TestDatabase;
let services: Services;
let operator: ReturnType<typeof createCaller>;
let operationId: string;
let writeKey: string;

const order = {
  type: "order.fulfill",
  input: {
    orderId: "ord_1",
    customerEmail: "ada@example.com",
    items: [{ sku: "A", quantity: 1 }],
    amountCents: 100,
  },
};
const deep = (n: number) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
const count = async (table: string) =>
  (await t.db.$client.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0]!.n;

async function badRequest(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const e = error as TRPCError;
  expect(e.code).toBe("BAD_REQUEST");
  return (e.cause as { issues?: { pointer: string }[] } | undefined)?.issues ?? [];
}

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  services = testServices(t);
  operator = createCaller(createContextInner({ principal: TEST_OPERATOR, services }));
  operationId = await insertOperation(t.db.$client, { type: "order.fulfill", status: "blocked" });
  writeKey = (await createApiKey({ db: t.db, name: "w", scopes: ["operations:write", "operations:read"] }))
    .secret;
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("every tRPC input is guarded before the procedure runs", () => {
  it("a NUL in operations.start's subject or deep in its input: BAD_REQUEST naming the field, no operation", async () => {
    const before = await count("operations");
    expect(await badRequest(operator.operations.start({ ...order, subject: "a\u0000b" }))).toEqual([
      expect.objectContaining({ pointer: "/subject" }),
    ]);
    expect(
      await badRequest(
        operator.operations.start({
          ...order,
          input: { ...order.input, items: [{ sku: "x\u0000", quantity: 1 }] },
        }),
      ),
    ).toEqual([expect.objectContaining({ pointer: "/input/items/0/sku" })]);
    expect(await count("operations")).toBe(before);
  });

  it("a lone surrogate in a search term or an action's reason: BAD_REQUEST, nothing audited or changed", async () => {
    expect(await badRequest(operator.search.operations({ q: "\ud800" }))).toEqual([
      expect.objectContaining({ pointer: "/q" }),
    ]);
    const audits = await count("audit_records");
    expect(
      await badRequest(operator.actions.cancel({ operationId, reason: "because \udc00 of it" })),
    ).toEqual([expect.objectContaining({ pointer: "/reason" })]);
    expect(await count("audit_records")).toBe(audits);
    const [row] = await t.db.$client<
      { status: string }[]
    >`select status from operations where id = ${operationId}`;
    expect(row!.status).toBe("blocked");
  });

  it("input nested 5,000 levels deep: BAD_REQUEST naming where it got too deep, no operation", async () => {
    const before = await count("operations");
    const issues = await badRequest(operator.operations.start({ ...order, input: { x: deep(5000) } }));
    expect(issues[0]!.pointer).toMatch(/^\/input\/x\/0\/a\/0\/a/);
    expect(await count("operations")).toBe(before);
  });

  it("through the fetch transport too: a 5,000-deep body or a NUL is a 400 with code BAD_REQUEST", async () => {
    const call = (input: unknown, body = JSON.stringify({ json: input })) =>
      fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request("http://throughline.test/api/trpc/operations.start", {
          method: "POST",
          headers: { authorization: `Bearer ${writeKey}`, "content-type": "application/json" },
          body,
        }),
        router: appRouter,
        createContext: ({ req }) => createContext({ req, services }),
      });
    const before = await count("operations");
    // JSON.stringify cannot write 5,000 levels itself: the deep body is spelled out.
    const deepBody = `{"json":{"type":"order.fulfill","input":{"x":${"[".repeat(5000)}${"]".repeat(5000)}}}}`;
    for (const res of [await call(null, deepBody), await call({ ...order, reference: "r\u0000" })]) {
      const body = (await res.json()) as { error: { json: { data: { code: string } } } };
      expect(res.status).toBe(400);
      expect(body.error.json.data.code).toBe("BAD_REQUEST");
    }
    expect(await count("operations")).toBe(before);
    // Positive control: the same request without the hostile text is accepted.
    expect((await call(order)).status).toBe(200);
  });

  it("ordinary text with emoji and accents still passes (positive control)", async () => {
    const res = await operator.search.operations({ q: "ünï 🚚" });
    expect(res.rows).toEqual([]);
  });
});
