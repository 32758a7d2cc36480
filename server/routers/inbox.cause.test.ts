import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockedCausesPresenter } from "@/server/presenters/inbox/blocked-causes-presenter";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_SUPPORT } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

/** An inbox group's count opens exactly that group's operations, page after page. */
let t: TestDatabase;
let services: Services;
const incident = new Set<string>();
const caller = () => createCaller(createContextInner({ principal: TEST_SUPPORT, services }));
const start = Date.now() - 3_600_000;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  const sql = t.db.$client;
  const block = (type: string, reason: string, at: number) =>
    insertOperation(sql, {
      type,
      status: "blocked",
      currentStep: "charge_payment",
      blockedKind: "retries_exhausted",
      blockedReason: reason,
      actionRequired: "Fix the cause, then resume the operation.",
      updatedAt: new Date(start + at),
    });
  // 57 rows, some sharing one instant: the pages must neither skip nor repeat any.
  for (let i = 0; i < 57; i++)
    incident.add(
      await block("order.fulfill", `payments refused charge ch_${i}x for ${i} cents`, Math.floor(i / 3)),
    );
  await block("order.fulfill", "payments refused the card", 100);
  await block("subscription.renew", "payments refused charge ch_1x for 1 cents", 100);
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("inbox.cause", () => {
  it("lists exactly the group's operations, newest blocked first, with its count and first and last seen", async () => {
    const { groups } = await new BlockedCausesPresenter(t.db).call();
    const group = groups.find((g) => g.count === 57)!;
    const first = await caller().inbox.cause({ cause: group.cause, type: "order.fulfill" });
    expect(first).toMatchObject({ count: 57, actionRequired: "Fix the cause, then resume the operation." });
    expect(first.firstSeen?.getTime()).toBe(start);
    expect(first.lastSeen?.getTime()).toBe(start + 18);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]!.since.getTime()).toBe(start + 18);
    const second = await caller().inbox.cause({
      cause: group.cause,
      type: "order.fulfill",
      cursor: first.next,
    });
    expect(second.next).toBeNull();
    const seen = [...first.rows, ...second.rows].map((r) => r.id);
    expect(seen).toHaveLength(57);
    expect(new Set(seen)).toEqual(incident);
  });

  it("lists every cause of one block kind within the type", async () => {
    const all = await caller().inbox.cause({ kind: "retries_exhausted", type: "order.fulfill" });
    expect(all.count).toBe(58);
    const none = await caller().inbox.cause({ kind: "awaiting_person", type: "order.fulfill" });
    expect(none).toMatchObject({ count: 0, rows: [], next: null, firstSeen: null });
  });

  it("refuses what is not a cause with a typed error", async () => {
    const missing = await caller()
      .inbox.cause({ type: "order.fulfill" })
      .catch((e: unknown) => e);
    expect((missing as TRPCError).code).toBe("BAD_REQUEST");
    for (const cause of ["retries_exhausted~charge_payment~zz", "x".repeat(161), "nope~a~0123456789abcdef"]) {
      const error = await caller()
        .inbox.cause({ cause, type: "order.fulfill" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("BAD_REQUEST");
    }
  });
});
