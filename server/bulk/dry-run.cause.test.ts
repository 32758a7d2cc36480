import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkActions, bulkActionTargets } from "@/db/schema";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createStaffUser } from "@/server/auth/people";
import type { Principal } from "@/server/domain/principal";
import { BlockedCausesPresenter } from "@/server/presenters/inbox/blocked-causes-presenter";
import { ZBulkFilterSchema } from "@/server/routers/bulk.types";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { dryRunBulk } from "./dry-run";

/** A bulk action started from an inbox group freezes exactly that cause's operations. */
let t: TestDatabase;
let operator: Principal;
const incident: string[] = [];
const reason = "Payments answer again after the outage.";

beforeAll(async () => {
  t = await createTestDatabase();
  const created = await createStaffUser({
    db: t.db,
    email: "cause@test.local",
    name: "Cause",
    password: "cause operator pw",
    role: "operator",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  if (created.type !== "created") throw new Error("seed failed");
  operator = { kind: "staff", userId: created.userId, email: "cause@test.local", role: "operator" };
  const sql = t.db.$client;
  const block = (reason: string, kind: "retries_exhausted" | "awaiting_person" = "retries_exhausted") =>
    insertOperation(sql, {
      type: "order.fulfill",
      status: "blocked",
      currentStep: "charge_payment",
      blockedKind: kind,
      blockedReason: reason,
      actionRequired: "Fix the cause, then resume the operation.",
    });
  for (let i = 0; i < 4; i++)
    incident.push(
      await block(`Retries exhausted after 5 attempts of "Charge payment": gateway ${i}0${i} timed out`),
    );
  // Same type, status and step, other causes: a plain "blocked at charge_payment" would take them.
  await block('Retries exhausted after 5 attempts of "Charge payment": card declined');
  await block("gateway 1 timed out", "awaiting_person");
});
afterAll(() => t?.drop());

describe("dryRunBulk with a cause", () => {
  it("freezes exactly the operations of that inbox group", async () => {
    const { groups } = await new BlockedCausesPresenter(t.db).call();
    const group = groups.find((g) => g.count === 4)!;
    const result = await dryRunBulk(
      { db: t.db },
      {
        principal: operator,
        filter: {
          workflowType: "order.fulfill",
          statuses: ["blocked"],
          step: "charge_payment",
          cause: group.cause,
        },
        request: { action: "resume" },
        reason,
      },
    );
    expect(result).toMatchObject({ type: "frozen", count: 4 });
    if (result.type !== "frozen") return;
    const targets = await t.db
      .select({ id: bulkActionTargets.operationId })
      .from(bulkActionTargets)
      .where(eq(bulkActionTargets.bulkActionId, result.bulkActionId));
    expect(targets.map((r) => r.id).sort()).toEqual([...incident].sort());
    const [row] = await t.db.select().from(bulkActions).where(eq(bulkActions.id, result.bulkActionId));
    expect(row!.filter).toMatchObject({ cause: group.cause, blockedKind: null });
  });

  it("filters by block kind", async () => {
    const result = await dryRunBulk(
      { db: t.db },
      {
        principal: operator,
        filter: { workflowType: "order.fulfill", blockedKind: "awaiting_person" },
        request: { action: "resume" },
        reason,
      },
    );
    expect(result).toMatchObject({ type: "frozen", count: 1 });
  });

  it("refuses a cause that is not one, before reading anything", async () => {
    const filter = { workflowType: "order.fulfill", cause: "retries_exhausted~charge_payment~nothex" };
    expect(ZBulkFilterSchema.safeParse(filter).success).toBe(false);
    expect(ZBulkFilterSchema.safeParse({ ...filter, cause: "x".repeat(10_000) }).success).toBe(false);
    expect(
      await dryRunBulk({ db: t.db }, { principal: operator, filter, request: { action: "resume" }, reason }),
    ).toEqual({ type: "invalid", message: "That is not a cause of blocked work." });
    // An unknown but well-formed cause matches nothing.
    expect(
      await dryRunBulk(
        { db: t.db },
        {
          principal: operator,
          filter: { ...filter, cause: "retries_exhausted~charge_payment~0123456789abcdef" },
          request: { action: "resume" },
          reason,
        },
      ),
    ).toEqual({ type: "empty" });
  });
});
