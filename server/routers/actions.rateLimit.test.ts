/**
 * Operator actions and tRPC intake are rate-limited per caller (issue 15): with a low configured
 * limit (THROUGHLINE_RATE_ACTIONS / _INTAKE = 2/0.01) an operator's third mutation is a typed
 * TOO_MANY_REQUESTS carrying the seconds to wait, before it runs; another operator's budget and
 * every query are untouched.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerLimitsFromEnv } from "@/server/auth/caller-limits";
import type { Principal } from "@/server/domain/principal";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { retryAfterOf } from "@/server/trpc/rate-limited";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_ADMIN, TEST_OPERATOR } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
let operationId: string;
const caller = (principal: Principal) => createCaller(createContextInner({ principal, services }));
const MISSING = "0190f5c4-0000-7000-8000-00000000beef";

/** The tRPC code a call ends with ("OK" when it resolves). */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error.code;
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t, {
    limits: callerLimitsFromEnv({ THROUGHLINE_RATE_ACTIONS: "2/0.01", THROUGHLINE_RATE_INTAKE: "2/0.01" }),
  });
  operationId = await insertOperation(t.db.$client, { type: "demo.noop" });
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("operator actions rate limit per person", () => {
  it("refuses the third action with TOO_MANY_REQUESTS and the seconds to wait", async () => {
    const op = caller(TEST_OPERATOR);
    const reason = "Checking the limit with a missing operation.";
    expect(await codeOf(op.actions.cancel({ operationId: MISSING, reason }))).toBe("NOT_FOUND");
    expect(await codeOf(op.actions.bulk.change({ bulkActionId: MISSING, change: "abort", reason }))).toBe(
      "NOT_FOUND",
    );
    const refused = await op.actions.retry({ operationId, reason }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe("TOO_MANY_REQUESTS");
    const wait = retryAfterOf(refused as TRPCError);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(100);
  });

  it("leaves queries and another person's budget alone", async () => {
    const op = caller(TEST_OPERATOR);
    expect(await codeOf(op.actions.available({ operationId }))).toBe("OK");
    expect(
      await codeOf(caller(TEST_ADMIN).actions.cancel({ operationId: MISSING, reason: "Another person." })),
    ).toBe("NOT_FOUND");
  });

  it("limits starting operations over tRPC with the intake budget", async () => {
    const admin = caller(TEST_ADMIN);
    const start = (note: string) => admin.operations.start({ type: "demo.noop", input: { note } });
    expect(await codeOf(start("one"))).toBe("OK");
    expect(await codeOf(start("two"))).toBe("OK");
    expect(await codeOf(start("three"))).toBe("TOO_MANY_REQUESTS");
  });
});
