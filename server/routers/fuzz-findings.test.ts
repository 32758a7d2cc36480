/**
 * What the fuzz (test/proof/fuzz.test.ts) found, pinned as plain tests so they stay fixed:
 * each was a 500 from PostgreSQL refusing a value the schema let through, and is now a typed
 * BAD_REQUEST before any query runs.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { TEST_ADMIN } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
const admin = () => createCaller(createContextInner({ principal: TEST_ADMIN, services }));

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
  services = testServices(t);
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("fuzz findings", () => {
  it("a fault rate below float4's range (7e-284) is refused, not a 500 out of range for type real", async () => {
    const fault = { provider: "carrier", latencyMs: 0, transientErrorRate: 0, loseAnswerRate: 0 } as const;
    expect(await codeOf(admin().sandbox.setFault({ ...fault, permanentErrorRate: 7.1e-284 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(admin().sandbox.setFault({ ...fault, permanentErrorRate: 0.25 }))).toBe("OK");
  });

  it("a date PostgreSQL cannot hold (year -83,700) is refused, not a 500 time zone displacement out of range", async () => {
    const far = new Date("-083700-11-26T17:47:37.667Z");
    expect(await codeOf(admin().audit.list({ from: far }))).toBe("BAD_REQUEST");
    expect(await codeOf(admin().search.operations({ to: far }))).toBe("BAD_REQUEST");
    expect(await codeOf(admin().audit.list({ from: new Date("2020-01-01T00:00:00Z") }))).toBe("OK");
  });
});
