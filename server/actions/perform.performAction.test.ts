import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRecords, steps } from "@/db/schema";
import { verifyAuditChain } from "@/server/audit/verify";
import type { Principal } from "@/server/domain/principal";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { type ActionDeps, performAction } from "./perform";
import type { ActionRequest } from "./plans";
import { GATE_TYPE, type GateControls, gateControls, gateRegistry } from "./test-workflow.fixture";

let t: TestDatabase;
let harness: EngineHarness;
let controls: GateControls;
let deps: ActionDeps;

const OTHER_OPERATOR: Principal = {
  kind: "staff",
  userId: "00000000-0000-7000-8000-0000000000b0",
  email: "second@test.local",
  role: "operator",
};
const meta = { requestId: "req-1", clientAddress: "10.0.0.9" };

beforeAll(async () => {
  t = await createTestDatabase();
  controls = gateControls();
  harness = await engineHarness({ db: t.db, url: t.url, registry: gateRegistry(t.db, controls) });
  await harness.startWorker();
  deps = { db: t.db, runs: harness.runs, registry: gateRegistry(t.db, controls) };
});
afterAll(async () => {
  await harness.close();
  await t.drop();
});

function act(
  operationId: string,
  request: ActionRequest,
  reason = "Cause fixed by the on-call engineer",
  who = TEST_OPERATOR,
) {
  return performAction(deps, { operationId, request, reason, principal: who, requestMeta: meta });
}

async function blockedAtGate(input: Record<string, unknown> = {}): Promise<string> {
  const id = await harness.start(GATE_TYPE, input);
  await harness.waitFor(id, ["blocked"]);
  return id;
}

async function auditOf(operationId: string) {
  return t.db.select().from(auditRecords).where(eq(auditRecords.operationId, operationId));
}

async function runJobs(operationId: string): Promise<number> {
  const rows = await t.db
    .$client`select count(*)::int as n from pgboss.job where data->>'operationId' = ${operationId}`;
  return rows[0]!.n as number;
}

describe("resume", () => {
  it("unblocks through the engine: the blocking step runs again and re-reads the world", async () => {
    const id = await blockedAtGate();
    // Resumed before the cause is fixed: the gate is re-checked and blocks again.
    expect(await act(id, { action: "resume" })).toMatchObject({ type: "done", statusBefore: "blocked" });
    await harness.waitFor(id, ["blocked"]);
    controls.open.add(id);
    const result = await act(id, { action: "resume" }, "Opened the gate");
    expect(result).toMatchObject({ type: "done", statusBefore: "blocked", statusAfter: "processing" });
    expect(await harness.waitFor(id)).toBe("completed");

    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual(["operation_resumed", "operation_resumed"]);
    expect(audit[1]).toMatchObject({
      actorKind: "user",
      actorLabel: "operator@test.local",
      actorRole: "operator",
      reason: "Opened the gate",
      step: "gate",
      workflowType: GATE_TYPE,
      statusBefore: "blocked",
      statusAfter: "processing",
      requestId: "req-1",
      clientAddress: "10.0.0.9",
    });
    const resumed = (await harness.events(id)).filter((e) => e.type === "resumed");
    expect(resumed).toHaveLength(2);
    expect(resumed[1]!.data).toMatchObject({ reason: "Opened the gate", action: "resume" });
  });

  it("two operators at once: one resume, one clear 'already done', one audit record, one run job", async () => {
    const id = await blockedAtGate();
    // Open, so the winner's run does not block again before the loser looks.
    controls.open.add(id);
    const jobsBefore = await runJobs(id);
    const [a, b] = await Promise.all([
      act(id, { action: "resume" }, "Fixed it (first operator)"),
      act(id, { action: "resume" }, "Fixed it (second operator)", OTHER_OPERATOR),
    ]);
    const results = [a, b].map((r) => r.type).sort();
    expect(results).toEqual(["already_done", "done"]);
    const loser = [a, b].find((r) => r.type === "already_done");
    expect(loser).toMatchObject({
      message: expect.stringMatching(/^Already done by .+@test\.local at .+UTC/),
    });
    expect(await auditOf(id)).toHaveLength(1);
    expect(await runJobs(id)).toBe(jobsBefore + 1);
  });

  it("refuses a resume when nothing is blocked, and writes nothing", async () => {
    const id = await blockedAtGate();
    controls.open.add(id);
    await act(id, { action: "resume" });
    await harness.waitFor(id);
    const again = await act(id, { action: "resume" }, "Try once more please");
    expect(again).toMatchObject({ type: "already_done" });
    const other = await performAction(deps, {
      operationId: id,
      request: { action: "cancel" },
      reason: "Cancel a completed one",
      principal: TEST_OPERATOR,
      requestMeta: meta,
    });
    expect(other).toEqual({
      type: "refused",
      message: "The operation is already completed; it cannot change any more.",
    });
    expect((await auditOf(id)).map((a) => a.action)).toEqual(["operation_resumed"]);
  });

  it("requires a reason", async () => {
    const id = await blockedAtGate();
    expect(await act(id, { action: "resume" }, "  ")).toMatchObject({ type: "invalid_reason" });
    expect(await auditOf(id)).toHaveLength(0);
  });
});

describe("retry now and replay", () => {
  it("retry now runs a step waiting out its backoff at once", async () => {
    const id = await harness.start(GATE_TYPE, {});
    controls.open.add(id);
    controls.failing.add(id);
    await waitForStep(id, "finish", "retrying");
    controls.failing.delete(id);
    expect(await act(id, { action: "retry" }, "Downstream is back up")).toMatchObject({
      type: "done",
      statusBefore: "processing",
    });
    expect(await harness.waitFor(id, undefined, 10_000)).toBe("completed");
    expect(controls.finishAttempts.get(id)).toBe(2);
    expect((await auditOf(id)).map((a) => [a.action, a.step])).toEqual([["operation_retried", "finish"]]);
  });

  it("replays a step whose retries are exhausted, and refuses to replay a completed step", async () => {
    const id = await harness.start(GATE_TYPE, {});
    controls.open.add(id);
    controls.failing.add(id);
    await waitForStep(id, "finish", "retrying");
    await act(id, { action: "retry" }, "One more try please");
    await harness.waitFor(id, ["blocked"]);
    const refused = await act(id, { action: "replay", step: "prepare" }, "Replay the first step");
    expect(refused).toMatchObject({ type: "refused", message: expect.stringMatching(/blocked on "finish"/) });
    controls.failing.delete(id);
    expect(await act(id, { action: "replay", step: "finish" }, "Downstream fixed")).toMatchObject({
      type: "done",
      statusBefore: "blocked",
      statusAfter: "processing",
    });
    expect(await harness.waitFor(id)).toBe("completed");
    const late = await act(id, { action: "replay", step: "finish" }, "Replay again");
    expect(late.type).not.toBe("done");
  });
});

describe("skip with override", () => {
  it("marks the blocked step done with the reason and a manual output, then continues", async () => {
    const id = await blockedAtGate();
    const result = await act(
      id,
      { action: "skip", step: "gate", output: { passed: true, by: "hand" } },
      "Checked by phone with the warehouse",
    );
    expect(result).toMatchObject({ type: "done", statusBefore: "blocked" });
    expect(await harness.waitFor(id)).toBe("completed");
    const [gate] = await t.db
      .select({ status: steps.status, skipReason: steps.skipReason, output: steps.output })
      .from(steps)
      .where(and(eq(steps.operationId, id), eq(steps.name, "gate")));
    expect(gate).toEqual({
      status: "skipped",
      skipReason: "Checked by phone with the warehouse",
      output: { passed: true, by: "hand" },
    });
    const [audit] = await auditOf(id);
    expect(audit).toMatchObject({
      action: "step_skipped",
      step: "gate",
      details: { manualOutput: { passed: true, by: "hand" } },
    });
  });
});

describe("cancel and compensate", () => {
  it("cancel stops before the next step and runs the workflow's compensations", async () => {
    const id = await blockedAtGate();
    expect(await act(id, { action: "cancel" }, "Customer asked to cancel")).toMatchObject({
      type: "done",
      statusBefore: "blocked",
      statusAfter: "processing",
    });
    expect(await harness.waitFor(id)).toBe("failed");
    expect(controls.compensated).toContain(`${id}:prepare`);
    // The record says what "processing" meant: compensating, and what it undoes.
    const [record] = await auditOf(id);
    expect(record).toMatchObject({
      statusBefore: "blocked",
      statusAfter: "processing",
      details: { phase: "compensating", undo: ["prepare"] },
    });
    expect((await act(id, { action: "cancel" }, "Cancel twice")).type).toBe("already_done");
  });

  it("compensate undoes completed steps, latest first, then fails the operation", async () => {
    const id = await blockedAtGate();
    expect(await act(id, { action: "compensate" }, "Order was placed twice")).toMatchObject({ type: "done" });
    expect(await harness.waitFor(id)).toBe("failed");
    expect(controls.compensated).toContain(`${id}:prepare`);
    expect((await auditOf(id)).map((a) => a.action)).toEqual(["operation_compensated"]);
  });
});

describe("manual review", () => {
  async function blockedOnReview(): Promise<string> {
    const id = await blockedAtGate({ review: true });
    await t.db.$client`insert into sim_reviews (operation_id, account_id, score) values (${id}, 'acc_1', 90)`;
    return id;
  }

  it("approve records the decision and the review step continues", async () => {
    const id = await blockedOnReview();
    expect(await act(id, { action: "approve" }, "Documents are genuine")).toMatchObject({ type: "done" });
    expect(await harness.waitFor(id)).toBe("completed");
    const [review] = await t.db
      .$client`select status, reviewer, note from sim_reviews where operation_id = ${id}`;
    expect(review).toEqual({
      status: "approved",
      reviewer: "user:operator@test.local",
      note: "Documents are genuine",
    });
    expect((await act(id, { action: "reject" }, "Changed my mind")).type).not.toBe("done");
  });

  it("reject records the decision and the operation fails through its compensation", async () => {
    const id = await blockedOnReview();
    expect(await act(id, { action: "reject" }, "Documents look forged")).toMatchObject({ type: "done" });
    expect(await harness.waitFor(id)).toBe("failed");
    expect((await auditOf(id)).map((a) => a.action)).toEqual(["review_rejected"]);
  });

  it("refuses approve on an operation without a review", async () => {
    const id = await blockedAtGate();
    expect(await act(id, { action: "approve" }, "Looks fine to me")).toMatchObject({ type: "refused" });
  });
});

describe("audit and state change are one", () => {
  it("writes no audit record when the state change fails, and no state change when the audit fails", async () => {
    const id = await blockedAtGate();
    const failingDispatcher: ActionDeps = {
      db: t.db,
      runs: {
        enqueue: async () => {
          throw new Error("queue unavailable");
        },
      },
    };
    await expect(
      performAction(failingDispatcher, {
        operationId: id,
        request: { action: "resume" },
        reason: "Resume while the queue is down",
        principal: TEST_OPERATOR,
        requestMeta: meta,
      }),
    ).rejects.toThrow("queue unavailable");
    expect(await auditOf(id)).toHaveLength(0);
    const [op] = await t.db.$client`select status from operations where id = ${id}`;
    expect(op!.status).toBe("blocked");

    // The audit insert itself fails: the state change is rolled back with it.
    await t.db.$client.unsafe(`
      create function refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit store unavailable'; end $$;
      create trigger refuse_audit before insert on audit_records for each row execute function refuse_audit();`);
    try {
      await expect(act(id, { action: "resume" }, "Resume while audit is down")).rejects.toThrow(
        /insert into "audit_records"/,
      );
    } finally {
      await t.db.$client.unsafe("drop trigger refuse_audit on audit_records; drop function refuse_audit();");
    }
    const [still] = await t.db.$client`select status from operations where id = ${id}`;
    expect(still!.status).toBe("blocked");
    const resumedEvents = (await harness.events(id)).filter((e) => e.type === "resumed");
    expect(resumedEvents).toHaveLength(0);
    expect((await verifyAuditChain({ db: t.db })).ok).toBe(true);
  });
});

const waitForStep = (operationId: string, step: string, status: string) =>
  eventually(async () => {
    const rows = await harness.steps(operationId);
    expect(rows.find((r) => r.name === step)?.status, `step ${step} of ${operationId}`).toBe(status);
  });
