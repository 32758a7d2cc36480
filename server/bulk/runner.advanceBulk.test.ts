import { and, asc, eq, isNotNull } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRecords, bulkActionTargets } from "@/db/schema";
import type { ActionDeps } from "@/server/actions/perform";
import { performAction } from "@/server/actions/perform";
import {
  GATE_TYPE,
  type GateControls,
  gateControls,
  gateRegistry,
} from "@/server/actions/test-workflow.fixture";
import { verifyAuditChain } from "@/server/audit/verify";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createStaffUser } from "@/server/auth/people";
import type { Principal } from "@/server/domain/principal";
import type { RunningWorker } from "@/server/engine/worker";
import { BulkPresenter } from "@/server/presenters/bulk/bulk-presenter";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { changeBulk } from "./change";
import { confirmBulk } from "./confirm";
import { dryRunBulk } from "./dry-run";
import { type BulkDeps, BulkQueue } from "./queue";
import { advanceBulk } from "./runner";

/**
 * Bulk actions as they run in production: confirming (or resuming) writes a job, and the
 * engine harness's worker runs it. Nothing here reads a bulk action's progress while it
 * runs except to wait for the outcome, and those reads are plain SQL or the pure presenter.
 */
let t: TestDatabase;
let harness: EngineHarness;
let worker: RunningWorker;
let controls: GateControls;
let deps: ActionDeps;
let bulk: BulkDeps;
let queue: BulkQueue;
let operator: Principal;
/** What the worker logged, to know when it has begun to stop. */
const workerLog: string[] = [];
const meta = { requestId: "bulk-test", clientAddress: null };
const BLOCKED_AT_GATE = { workflowType: GATE_TYPE, statuses: ["blocked" as const], step: "gate" };

beforeAll(async () => {
  t = await createTestDatabase();
  controls = gateControls();
  harness = await engineHarness({ db: t.db, url: t.url, registry: gateRegistry(t.db, controls) });
  worker = await harness.startWorker({ log: (line: string) => workerLog.push(line) });
  deps = { db: t.db, runs: harness.runs };
  queue = new BulkQueue({ db: t.db, url: t.url });
  bulk = { db: t.db, queue };
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
  await queue.close();
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

/** The bulk action's status, read straight from its row (no presenter, no router). */
async function statusOf(bulkActionId: string): Promise<string> {
  const [row] = await t.db.$client`select status from bulk_actions where id = ${bulkActionId}`;
  return row!.status as string;
}

const reachesStatus = (bulkActionId: string, status: string) =>
  eventually(async () => expect(await statusOf(bulkActionId)).toBe(status), {
    message: `bulk action ${bulkActionId}`,
  });

async function auditActions(bulkActionId: string): Promise<string[]> {
  const rows = await t.db
    .select({ action: auditRecords.action })
    .from(auditRecords)
    .where(eq(auditRecords.bulkActionId, bulkActionId))
    .orderBy(asc(auditRecords.seq));
  return rows.map((r) => r.action);
}

/**
 * Holds the row lock on one operation from a connection of its own, so the runner waits
 * there (mid-way through its targets) until `release()`. `waiting()` resolves once a
 * backend of this database is waiting on a lock: the runner has reached that operation.
 */
async function holdOperation(operationId: string) {
  const locker = postgres(t.url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = locker.begin(async (sql) => {
    await sql`select 1 from operations where id = ${operationId} for update`;
    locked();
    await released;
  });
  await isLocked;
  return {
    waiting: () =>
      eventually(async () => {
        const [row] = await t.db.$client`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        expect(row!.n, "backends waiting on a lock").toBeGreaterThan(0);
      }),
    release: async () => {
      release();
      await done;
      await locker.end();
    },
  };
}

describe("a bulk action", () => {
  it("freezes its targets at the dry run, needs the count to start, then a worker acts on each exactly once with no one watching", async () => {
    const ids = await blocked(5);
    const dry = await dryRunBulk(bulk, {
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "resume" },
      reason: "Gate fixed for everyone",
    });
    expect(dry).toMatchObject({ type: "frozen", count: 5, canarySize: 3 });
    if (dry.type !== "frozen") return;
    // Blocked after the dry run: not part of it.
    const [late] = await blocked(1);

    const wrong = await confirmBulk(bulk, {
      bulkActionId: dry.bulkActionId,
      count: 6,
      principal: operator,
      request: meta,
    });
    expect(wrong).toMatchObject({ type: "refused", message: expect.stringContaining("(5)") });
    expect(
      await confirmBulk(bulk, {
        bulkActionId: dry.bulkActionId,
        count: 5,
        principal: operator,
        request: meta,
      }),
    ).toEqual({ type: "done", status: "running" });
    // No query, no page: the worker takes the job the confirmation wrote and runs it through.
    await reachesStatus(dry.bulkActionId, "completed");

    const view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
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
    const dry = await dryRunBulk(bulk, {
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
    await confirmBulk(bulk, { bulkActionId: dry.bulkActionId, count: 5, principal: operator, request: meta });
    await reachesStatus(dry.bulkActionId, "paused");
    let view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
    expect(view).toMatchObject({
      status: "paused",
      canaryPassed: false,
      counts: { succeeded: 1, pending: 2 },
      note: expect.stringContaining("Canary: 2 of 3"),
    });
    expect(view!.counts.already_done + view!.counts.refused).toBe(2);

    expect(
      await changeBulk(bulk, {
        bulkActionId: dry.bulkActionId,
        change: "resume",
        reason: "Those two were cancelled on purpose",
        principal: operator,
        request: meta,
      }),
    ).toEqual({ type: "done", status: "running" });
    await reachesStatus(dry.bulkActionId, "completed");
    view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
    expect(view).toMatchObject({ status: "completed", counts: { succeeded: 3, pending: 0 } });
    const actions = await auditActions(dry.bulkActionId);
    expect(actions.filter((a) => a === "bulk_action_resumed")).toHaveLength(1);
    await Promise.all(ids.map((id) => harness.waitFor(id)));
  });

  it("refuses more targets than its cap; paused, it finishes the operation in hand and leaves the rest untouched until aborted", async () => {
    const ids = await blocked(4, false);
    expect(
      await dryRunBulk(bulk, {
        principal: operator,
        filter: BLOCKED_AT_GATE,
        request: { action: "cancel" },
        reason: "Too many at once",
        cap: 3,
      }),
    ).toEqual({ type: "too_many", cap: 3 });
    const dry = await dryRunBulk(bulk, {
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "cancel" },
      reason: "Cancel the stuck ones",
      canarySize: 1,
    });
    if (dry.type !== "frozen") throw new Error(dry.type);
    const sorted = [...ids].sort();
    // The runner handles the first two, then waits on the third.
    const third = await holdOperation(sorted[2]!);
    await confirmBulk(bulk, { bulkActionId: dry.bulkActionId, count: 4, principal: operator, request: meta });
    await third.waiting();
    await changeBulk(bulk, {
      bulkActionId: dry.bulkActionId,
      change: "pause",
      reason: "Wait, let me check",
      principal: operator,
      request: meta,
    });
    await third.release();
    await eventually(async () => {
      const view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
      expect(view!.targets[2]!.outcome).toBe("succeeded");
    });
    // Paused: a runner finds nothing to do.
    expect(await advanceBulk(deps, { bulkActionId: dry.bulkActionId })).toBe("idle");
    await changeBulk(bulk, {
      bulkActionId: dry.bulkActionId,
      change: "abort",
      reason: "Not needed after all",
      principal: operator,
      request: meta,
    });
    const view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
    expect(view).toMatchObject({ status: "aborted", counts: { succeeded: 3, pending: 1 } });
    const done = await t.db
      .select({ id: bulkActionTargets.operationId })
      .from(bulkActionTargets)
      .where(
        and(eq(bulkActionTargets.bulkActionId, dry.bulkActionId), isNotNull(bulkActionTargets.finishedAt)),
      );
    expect(done.map((d) => d.id).sort()).toEqual(sorted.slice(0, 3));
    expect(await auditActions(dry.bulkActionId)).toEqual([
      "bulk_action_started",
      "operation_cancelled",
      "operation_cancelled",
      "bulk_action_paused",
      "operation_cancelled",
      "bulk_action_aborted",
    ]);
    expect((await verifyAuditChain({ db: t.db })).ok).toBe(true);
    await drain([sorted[3]!]);
  });

  it("goes on where it stopped when its worker stops mid-way and another one starts", async () => {
    const ids = await blocked(5);
    const dry = await dryRunBulk(bulk, {
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "resume" },
      reason: "Resume across a restart",
      canarySize: 1,
    });
    if (dry.type !== "frozen") throw new Error(dry.type);
    const sorted = [...ids].sort();
    const second = await holdOperation(sorted[1]!);
    await confirmBulk(bulk, { bulkActionId: dry.bulkActionId, count: 5, principal: operator, request: meta });
    await second.waiting();
    // The worker stops while its runner waits on the second operation: that one finishes, the job goes back.
    const stopped = worker.stop();
    await eventually(() => expect(workerLog.join("\n")).toContain("bulk: stopping"));
    await second.release();
    await stopped;
    let view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
    expect(view).toMatchObject({ status: "running", counts: { succeeded: 2, pending: 3 } });

    worker = await harness.startWorker();
    await reachesStatus(dry.bulkActionId, "completed");
    view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
    expect(view).toMatchObject({ counts: { succeeded: 5, pending: 0 } });
    const actions = await auditActions(dry.bulkActionId);
    expect(actions.filter((a) => a === "operation_resumed")).toHaveLength(5);
    expect(actions.filter((a) => a === "bulk_action_started")).toHaveLength(1);
    await Promise.all(ids.map((id) => harness.waitFor(id)));
  });
  it("keeps the first outcome when a runner whose lease ran out and the one that took over act on one target", async () => {
    const [id] = await blocked(1);
    const dry = await dryRunBulk(bulk, {
      principal: operator,
      filter: BLOCKED_AT_GATE,
      request: { action: "resume" },
      reason: "Resume with a takeover",
      canarySize: 1,
    });
    if (dry.type !== "frozen") throw new Error(dry.type);
    const held = await holdOperation(id!);
    await confirmBulk(bulk, { bulkActionId: dry.bulkActionId, count: 1, principal: operator, request: meta });
    // The worker's runner waits on the operation; its lease runs out meanwhile (a stalled process).
    await held.waiting();
    await t.db
      .$client`update bulk_actions set runner_lease_until = now() - interval '1 second' where id = ${dry.bulkActionId}`;
    const takeover = advanceBulk(deps, { bulkActionId: dry.bulkActionId, runnerId: "takeover" });
    await eventually(async () => {
      const [row] = await t.db.$client`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`;
      expect(row!.n, "both runners waiting on the operation").toBeGreaterThanOrEqual(2);
    });
    await held.release();
    await takeover;
    await reachesStatus(dry.bulkActionId, "completed");
    const [target] = await t.db
      .select({ outcome: bulkActionTargets.outcome })
      .from(bulkActionTargets)
      .where(eq(bulkActionTargets.bulkActionId, dry.bulkActionId));
    // Before: the second runner's "already done" (of the first one's own change) overwrote "succeeded".
    expect(target!.outcome).toBe("succeeded");
    expect((await auditActions(dry.bulkActionId)).filter((a) => a === "operation_resumed")).toHaveLength(1);
    await harness.waitFor(id!);
  });
});
