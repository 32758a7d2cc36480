import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { logger, serializeError } from "@/server/logger";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { testServices } from "@/test/services";
import { createContext } from "./context";
import { publicProcedure, router } from "./init";

/**
 * Issue 15 hole 4 on the tRPC side: an unexpected error inside a procedure (here a real
 * PostgreSQL refusal quoting the SQL and an email) answers INTERNAL_SERVER_ERROR with a sentence
 * and an incident id — tRPC's default would send the error's own message to the browser — and
 * the log line under that incident has the details.
 */
let t: TestDatabase;
let services: Services;
const EMAIL = "private.person@example.com";

const testRouter = router({
  leak: publicProcedure.mutation(async ({ ctx }) => {
    await ctx.services.db
      .$client`insert into sim_charges (id, order_id, customer_email, amount_cents, currency)
      values ('ch_leak', 'ord_leak', ${EMAIL}, ${2 ** 31}, 'EUR')`;
  }),
});

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("an unexpected error in a tRPC procedure", () => {
  it("answers a sentence with an incident id; the SQL and the email only reach the log", async () => {
    const logged: Record<string, unknown>[] = [];
    vi.spyOn(logger, "error").mockImplementation(((fields: Record<string, unknown>) => {
      logged.push({ ...fields, err: serializeError(fields.err) });
    }) as never);
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://throughline.test/api/trpc/leak", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: null }),
      }),
      router: testRouter,
      createContext: ({ req }) => createContext({ req, services }),
    });
    vi.restoreAllMocks();
    expect(res.status).toBe(500);
    const text = await res.text();
    for (const leak of [EMAIL, "sim_charges", "insert into", "2147483648", "out of range"])
      expect(text, `contains ${leak}`).not.toContain(leak);
    const body = JSON.parse(text) as { error: { json: { message: string; data: { incidentId: string } } } };
    const { message, data } = body.error.json;
    expect(message).toBe(
      `Something went wrong on our side. Quote incident ${data.incidentId} when reporting it.`,
    );
    const line = logged.find((l) => l.incidentId === data.incidentId);
    expect(line).toMatchObject({ path: "leak" });
    expect(JSON.stringify(line)).toContain(EMAIL);
    expect(JSON.stringify(line)).toContain("out of range");
    expect(JSON.stringify(line)).toContain("insert into sim_charges");
  });
});
