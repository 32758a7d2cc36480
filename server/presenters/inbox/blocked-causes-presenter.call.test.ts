import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { blockCause, parseBlockCause } from "./block-cause";
import { BlockedCausesPresenter } from "./blocked-causes-presenter";

let t: TestDatabase;
const now = Date.now();
const ago = (ms: number) => new Date(now - ms);
const MIN = 60_000;
const DAY = 24 * 3_600_000;

/** What the engine writes for an unexpected error: a sanitised sentence with a fresh incident id. */
const sanitised = (incident: string) =>
  `Retries exhausted after 5 attempts of "Charge payment": The step failed unexpectedly. Incident ${incident}: the details are in the logs.`;

beforeAll(async () => {
  t = await createTestDatabase();
  const sql = t.db.$client;
  // An old, unrelated block: a report export that ran out of retries a month ago.
  await insertOperation(sql, {
    type: "report.export",
    status: "blocked",
    currentStep: "render",
    blockedKind: "retries_exhausted",
    blockedReason: 'Retries exhausted after 3 attempts of "Render": renderer crashed on page 12',
    actionRequired: "Fix the cause, then resume the operation.",
    updatedAt: ago(30 * DAY),
  });
  // The incident: one payment fault, each operation with its own ids and amounts.
  for (let i = 0; i < 6; i++) {
    await insertOperation(sql, {
      type: "order.fulfill",
      status: "blocked",
      reference: `ord_${i}`,
      currentStep: "charge_payment",
      blockedKind: "retries_exhausted",
      blockedReason: `Retries exhausted after ${4 + (i % 2)} attempts of "Charge payment": payments refused charge ch_${i}a9 of ${1000 + i} cents`,
      actionRequired: "Fix the cause, then resume the operation.",
      updatedAt: ago((10 - i) * MIN),
    });
  }
  // Sanitised unexpected errors at the same step: one cause although every incident id differs.
  for (const incident of ["3f2c9a1e-0b7d-4c55-9e1a-2d3b4c5d6e7f", "abcdefab-cdef-abcd-efab-cdefabcdefab"]) {
    await insertOperation(sql, {
      type: "order.fulfill",
      status: "blocked",
      currentStep: "charge_payment",
      blockedKind: "retries_exhausted",
      blockedReason: sanitised(incident),
      actionRequired: "Fix the cause, then resume the operation.",
      updatedAt: ago(60 * MIN),
    });
  }
  // Same step and text, another kind: another cause. Not blocked any more: no cause at all.
  await insertOperation(sql, {
    type: "order.fulfill",
    status: "blocked",
    currentStep: "charge_payment",
    blockedKind: "awaiting_person",
    blockedReason: "payments refused charge ch_9 of 5 cents",
    actionRequired: "Call the customer.",
    updatedAt: ago(2 * MIN),
  });
  await insertOperation(sql, {
    type: "order.fulfill",
    status: "completed",
    currentStep: null,
    blockedReason: "payments refused charge ch_1 of 5 cents",
    completedAt: ago(MIN),
  });
});
afterAll(() => t?.drop());

describe("BlockedCausesPresenter", () => {
  it("groups blocked work by kind, step and error signature, newest incident first", async () => {
    const { groups, more } = await new BlockedCausesPresenter(t.db).call();
    expect(more).toBe(false);
    expect(groups.map((g) => [g.type, g.kind, g.step, g.count])).toEqual([
      ["order.fulfill", "awaiting_person", "charge_payment", 1],
      ["order.fulfill", "retries_exhausted", "charge_payment", 6],
      ["order.fulfill", "retries_exhausted", "charge_payment", 2],
      ["report.export", "retries_exhausted", "render", 1],
    ]);
    const incident = groups[1]!;
    expect(incident.firstSeen.getTime()).toBe(ago(10 * MIN).getTime());
    expect(incident.lastSeen.getTime()).toBe(ago(5 * MIN).getTime());
    // The example is the newest one's own reason.
    expect(incident.reason).toContain("ch_5a9 of 1005 cents");
    expect(incident.actionRequired).toBe("Fix the cause, then resume the operation.");
    expect(parseBlockCause(incident.cause)).toEqual({
      kind: "retries_exhausted",
      step: "charge_payment",
      signature: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    // The sanitised errors' incident ids are not part of the signature.
    expect(groups[2]!.reason).toMatch(/^Retries exhausted .* Incident [0-9a-f-]{36}: /);
    expect(new Set(groups.map((g) => g.cause)).size).toBe(4);
  });

  it("the signature keeps the words and drops ids, numbers and incident ids", async () => {
    const sql = t.db.$client;
    const { BLOCK_SIGNATURE_SQL } = await import("@/db/block-signature");
    const sig = async (reason: string) =>
      (
        await sql.unsafe(`select ${BLOCK_SIGNATURE_SQL} as s from (select $1::text as blocked_reason) r`, [
          reason,
        ])
      )[0]!.s;
    expect(await sig(sanitised("3f2c9a1e-0b7d-4c55-9e1a-2d3b4c5d6e7f"))).toBe(
      'Retries exhausted after # attempts of "Charge payment": The step failed unexpectedly. Incident: the details are in the logs.',
    );
    expect(await sig("carrier  ord_e2e_17 unreachable\n(HTTP 503)")).toBe("carrier # unreachable (HTTP #)");
    expect(await sig("carrier down")).not.toBe(await sig("carrier up"));
  });
});

describe("block cause keys", () => {
  it("round-trip and refuse anything else", () => {
    const key = blockCause("retries_exhausted", "charge_payment", "0123456789abcdef");
    expect(parseBlockCause(key)).toEqual({
      kind: "retries_exhausted",
      step: "charge_payment",
      signature: "0123456789abcdef",
    });
    for (const bad of [
      "",
      "retries_exhausted~charge_payment",
      "nope~charge_payment~0123456789abcdef",
      "retries_exhausted~charge payment~0123456789abcdef",
      "retries_exhausted~charge_payment~0123456789ABCDEF",
      "retries_exhausted~charge_payment~0123456789abcdef~x",
      `retries_exhausted~${"s".repeat(200)}~0123456789abcdef`,
    ]) {
      expect(parseBlockCause(bad), bad).toBeNull();
    }
  });
});
