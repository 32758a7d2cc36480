import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkActions, bulkActionTargets } from "@/db/schema";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createStaffUser } from "@/server/auth/people";
import type { Principal } from "@/server/domain/principal";
import { ZBulkFilterSchema } from "@/server/routers/bulk.types";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { dryRunBulk } from "./dry-run";

/** A bulk action started from a search freezes exactly what the search box finds for its text. */
let t: TestDatabase;
let operator: Principal;
const ids: Record<string, string> = {};
const reason = "Resume what the search found.";

beforeAll(async () => {
  t = await createTestDatabase();
  const created = await createStaffUser({
    db: t.db,
    email: "text@test.local",
    name: "Text",
    password: "text operator pw",
    role: "operator",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  if (created.type !== "created") throw new Error("seed failed");
  operator = { kind: "staff", userId: created.userId, email: "text@test.local", role: "operator" };
  const block = (name: string, o: Parameters<typeof insertOperation>[1]) =>
    insertOperation(t.db.$client, {
      type: "order.fulfill",
      status: "blocked",
      currentStep: "charge_payment",
      blockedKind: "retries_exhausted",
      blockedReason: "Retries exhausted.",
      ...o,
    }).then((id) => {
      ids[name] = id;
    });
  await block("a", { reference: "ORD-7700-1" });
  await block("b", { reference: "ord-7700-2" });
  await block("other", { reference: "ORD-8800-1" });
  await block("grace", { subject: "grace.hopper@example.com" });
  await block("exploded", {
    steps: [{ name: "charge_payment", status: "pending", lastError: { message: "the gateway exploded" } }],
  });
  // Matches the text but is of another type: a bulk action is for one type.
  await insertOperation(t.db.$client, { type: "report.export", status: "blocked", reference: "ORD-7700-9" });
});
afterAll(() => t?.drop());

async function frozen(text: string): Promise<string[]> {
  const result = await dryRunBulk(
    { db: t.db },
    {
      principal: operator,
      filter: { workflowType: "order.fulfill", statuses: ["blocked"], text },
      request: { action: "resume" },
      reason,
    },
  );
  if (result.type !== "frozen") return [];
  const [row] = await t.db.select().from(bulkActions).where(eq(bulkActions.id, result.bulkActionId));
  expect(row!.filter).toMatchObject({ text });
  const targets = await t.db
    .select({ id: bulkActionTargets.operationId })
    .from(bulkActionTargets)
    .where(eq(bulkActionTargets.bulkActionId, result.bulkActionId));
  return targets.map((r) => r.id).sort();
}

describe("dryRunBulk with the search's text", () => {
  it("takes the start of a reference in any case, within the type", async () => {
    expect(await frozen("ord-7700")).toEqual([ids.a!, ids.b!].sort());
  });

  it("takes an email typed in capitals, a piece of a step's error and a whole id", async () => {
    expect(await frozen("GRACE.HOPPER")).toEqual([ids.grace!]);
    expect(await frozen("gateway EXPLODED")).toEqual([ids.exploded!]);
    expect(await frozen(ids.other!)).toEqual([ids.other!]);
  });

  it("freezes nothing for a text nothing matches, and bounds the text", async () => {
    expect(await frozen("no such thing")).toEqual([]);
    const filter = { workflowType: "order.fulfill", text: "x".repeat(201) };
    expect(ZBulkFilterSchema.safeParse(filter).success).toBe(false);
  });
});
