import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/server/domain/principal";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { TEST_ADMIN, TEST_SUPPORT } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
const as = (principal: Principal) => createCaller(createContextInner({ principal, services }));

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("alerts.rules / setRuleOverride / clearRuleOverride", () => {
  it("an out-of-bounds threshold is BAD_REQUEST naming the field and the bounds", async () => {
    const error = await as(TEST_ADMIN)
      .alerts.setRuleOverride({ rule: "stuck", workflowType: "demo.noop", threshold: 5, reason: "too tight" })
      .catch((e: TRPCError) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/from 1 s to 21 days, or off/);
    const reset = await as(TEST_ADMIN)
      .alerts.clearRuleOverride({ rule: "stuck", workflowType: "demo.noop", reason: "nothing to reset" })
      .catch((e: TRPCError) => e);
    expect((reset as TRPCError).code).toBe("CONFLICT");
  });

  it("an admin's override shows to support with who, why and the default beside it", async () => {
    await as(TEST_ADMIN).alerts.setRuleOverride({
      rule: "stuck",
      workflowType: "demo.noop",
      threshold: 120_000,
      reason: "Two minutes is long for a noop",
    });
    const { types } = await as(TEST_SUPPORT).alerts.rules();
    expect(types.map((x) => x.workflowType)).toContain("*");
    const stuck = types.find((x) => x.workflowType === "demo.noop")!.rules.find((r) => r.rule === "stuck")!;
    expect(stuck).toMatchObject({
      unit: "ms",
      threshold: 120_000,
      source: "override",
      override: { reason: "Two minutes is long for a noop", updatedBy: "admin@test.local" },
    });
    expect(stuck.defaultThreshold).not.toBe(120_000);
    await as(TEST_ADMIN).alerts.clearRuleOverride({
      rule: "stuck",
      workflowType: "demo.noop",
      reason: "Back to the definition",
    });
    const after = (await as(TEST_SUPPORT).alerts.rules()).types
      .find((x) => x.workflowType === "demo.noop")!
      .rules.find((r) => r.rule === "stuck")!;
    expect(after).toMatchObject({ source: "default", threshold: after.defaultThreshold, override: null });
  });
});
