import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRecords, bulkActionTargets } from "@/db/schema";
import { verifyAuditChain } from "@/server/audit/verify";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createStaffUser } from "@/server/auth/people";
import type { Principal } from "@/server/auth/principal";
import { type EngineHarness, engineHarness } from "@/server/engine/testing";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { advanceBulk, BulkPresenter, changeBulk, confirmBulk, dryRunBulk } from "./bulk";
import type { ActionDeps } from "./perform";
import { performAction } from "./perform";
import { GATE_TYPE, type GateControls, gateControls, gateRegistry } from "./test-workflow.fixture";

let t: TestDatabase;
let harness: EngineHarness;
let controls: GateControls;
let deps: ActionDeps;
let operator: Principal;
const meta = { requestId: "bulk-test", clientAddress: null };
const BLOCKED_AT_GATE = { workflowType: GATE_TYPE, statuses: ["blocked" as const], step: "gate" };

beforeAll(async () => {
  t = await createTestDatabase();
  controls = gateControls();
  harness = await engineHarness({ db: t.db, url: t.url, registry: gateRegistry(t.db, controls) });
  await harness.startWorker();
  deps = { db: t.db, dispatcher: harness.dispatcher };
  const created = await createStaffUser({
    db: t.db,
    email: "bulk@test.local",
    name: "Bulk",
    password: "bulk operator pw",
    role: "operator",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  if (created.type !== "created") throw new Error("seed failed");
  operator = { kind: "staff", userId: created.userId, email: "bulk@test.local", role: "operator" };
});
afterAll(async () => {
  await harness.close();
  await t.drop();
});

async function blocked(n: number, open = true): Promise<string[]> {
  // One at a time: the test pool has 5 connections, and concurrent first intakes would wait on each other.
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await harness.start(GATE_TYPE, {}));
  await Promise.all(ids.map((id) => harness.waitFor(id, ["blocked"])));
  if (open) for (const id of ids) controls.open.add(id);
  return ids;
}

async function drain(ids: string[]) {
  // Leave nothing blocked at the gate for the next test's filter.
  for (const id of ids) {
    await performAction(deps, {
      operationId: id,
      request: { action: "cancel" },
      reason: "Test clean-up",
      principal: operator,
      requestMeta: meta,
    });
  }
  await Promise.all(ids.map((id) => harness.waitFor(id)));
}

describe("a bulk action", () => {
  it("freezes its targets at the dry run, needs the count to start, then acts on each exactly once", async () => {
    const ids = await blocked(5);
    const dry = await dryRunBulk({
      db: t.db,
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "resume" },
      reason: "Gate fixed for everyone",
    });
    expect(dry).toMatchObject({ type: "frozen", count: 5, canarySize: 3 });
    if (dry.type !== "frozen") return;
    // Blocked after the dry run: not part of it.
    const [late] = await blocked(1);

    const wrong = await confirmBulk({
      db: t.db,
      bulkActionId: dry.bulkActionId,
      count: 6,
      principal: operator,
      request: meta,
    });
    expect(wrong).toMatchObject({ type: "refused", message: expect.stringContaining("(5)") });
    expect(
      await confirmBulk({
        db: t.db,
        bulkActionId: dry.bulkActionId,
        count: 5,
        principal: operator,
        request: meta,
      }),
    ).toEqual({
      type: "done",
      status: "running",
    });
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId })).toBe("finished");

    const view = await new BulkPresenter(t.db).get(dry.bulkActionId);
    expect(view).toMatchObject({
      status: "completed",
      canaryPassed: true,
      counts: { succeeded: 5, pending: 0 },
    });
    expect(view!.targets.map((x) => x.operationId).sort()).toEqual([...ids].sort());
    await Promise.all(ids.map((id) => harness.waitFor(id)));

    const audit = await t.db
      .select()
      .from(auditRecords)
      .where(eq(auditRecords.bulkActionId, dry.bulkActionId));
    expect(audit.filter((a) => a.action === "bulk_action_started")).toHaveLength(1);
    const perOperation = audit.filter((a) => a.action === "operation_resumed");
    expect(perOperation.map((a) => a.operationId).sort()).toEqual([...ids].sort());
    expect(new Set(perOperation.map((a) => a.reason))).toEqual(new Set(["Gate fixed for everyone"]));

    // Running it again touches nothing: every target already has its outcome.
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId })).toBe("idle");
    const [lateRow] = await t.db.$client`select status from operations where id = ${late!}`;
    expect(lateRow!.status).toBe("blocked");
    await drain([late!]);
  });

  it("stops after a failed canary, and goes on with the rest only when a person resumes it", async () => {
    const ids = await blocked(5);
    const dry = await dryRunBulk({
      db: t.db,
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "resume" },
      reason: "Resume them all",
      canarySize: 3,
    });
    if (dry.type !== "frozen") throw new Error(dry.type);
    // Two of the canary operations move on before the bulk action reaches them.
    const sorted = [...ids].sort();
    for (const id of sorted.slice(0, 2)) {
      await performAction(deps, {
        operationId: id,
        request: { action: "cancel" },
        reason: "Cancelled meanwhile",
        principal: operator,
        requestMeta: meta,
      });
    }
    await confirmBulk({
      db: t.db,
      bulkActionId: dry.bulkActionId,
      count: 5,
      principal: operator,
      request: meta,
    });
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId })).toBe("paused");
    let view = await new BulkPresenter(t.db).get(dry.bulkActionId);
    expect(view).toMatchObject({
      status: "paused",
      canaryPassed: false,
      counts: { succeeded: 1, pending: 2 },
      note: expect.stringContaining("Canary: 2 of 3"),
    });
    expect(view!.counts.already_done + view!.counts.refused).toBe(2);

    expect(
      await changeBulk({
        db: t.db,
        bulkActionId: dry.bulkActionId,
        change: "resume",
        reason: "Those two were cancelled on purpose",
        principal: operator,
        request: meta,
      }),
    ).toEqual({ type: "done", status: "running" });
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId })).toBe("finished");
    view = await new BulkPresenter(t.db).get(dry.bulkActionId);
    expect(view).toMatchObject({ status: "completed", counts: { succeeded: 3, pending: 0 } });
    const actions = (
      await t.db.select().from(auditRecords).where(eq(auditRecords.bulkActionId, dry.bulkActionId))
    ).map((a) => a.action);
    expect(actions.filter((a) => a === "bulk_action_resumed")).toHaveLength(1);
    await Promise.all(ids.map((id) => harness.waitFor(id)));
  });

  it("refuses more targets than its cap, and can be paused and aborted with the rest left untouched", async () => {
    const ids = await blocked(4, false);
    expect(
      await dryRunBulk({
        db: t.db,
        principal: operator,
        filter: BLOCKED_AT_GATE,
        request: { action: "cancel" },
        reason: "Too many at once",
        cap: 3,
      }),
    ).toEqual({ type: "too_many", cap: 3 });
    const dry = await dryRunBulk({
      db: t.db,
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "cancel" },
      reason: "Cancel the stuck ones",
      canarySize: 1,
    });
    if (dry.type !== "frozen") throw new Error(dry.type);
    await confirmBulk({
      db: t.db,
      bulkActionId: dry.bulkActionId,
      count: 4,
      principal: operator,
      request: meta,
    });
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId, maxTargets: 2 })).toBe("stopped");
    await changeBulk({
      db: t.db,
      bulkActionId: dry.bulkActionId,
      change: "pause",
      reason: "Wait, let me check",
      principal: operator,
      request: meta,
    });
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId })).toBe("idle");
    await changeBulk({
      db: t.db,
      bulkActionId: dry.bulkActionId,
      change: "abort",
      reason: "Not needed after all",
      principal: operator,
      request: meta,
    });
    const view = await new BulkPresenter(t.db).get(dry.bulkActionId);
    expect(view).toMatchObject({ status: "aborted", counts: { succeeded: 2, pending: 2 } });
    const done = await t.db
      .select({ id: bulkActionTargets.operationId })
      .from(bulkActionTargets)
      .where(
        and(eq(bulkActionTargets.bulkActionId, dry.bulkActionId), isNotNull(bulkActionTargets.finishedAt)),
      );
    expect(done).toHaveLength(2);
    const actions = (
      await t.db.select().from(auditRecords).where(eq(auditRecords.bulkActionId, dry.bulkActionId))
    ).map((a) => a.action);
    expect(actions).toEqual([
      "bulk_action_started",
      "operation_cancelled",
      "operation_cancelled",
      "bulk_action_paused",
      "bulk_action_aborted",
    ]);
    expect((await verifyAuditChain({ db: t.db })).ok).toBe(true);
    await drain(ids.filter((id) => !done.some((d) => d.id === id)));
  });
});
