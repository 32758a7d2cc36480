import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import { NO_REQUEST } from "@/server/audit/write";
import type { RunningWorker } from "@/server/engine/worker";
import { checkWorkflow } from "@/server/workflows/kit/check";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { ran, timerWorkflow } from "@/test/engine/timer-workflow";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";

const registry = new WorkflowRegistry([
  timerWorkflow("test.timer"),
  timerWorkflow("test.timer_first", { first: true }),
]);
let t: TestDatabase;
let h: EngineHarness;
let worker: RunningWorker;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

/** The open timer of an operation, once its transaction committed. */
const scheduled = (id: string) =>
  eventually(async () => {
    const [row] = await t.db.$client<{ id: string; wakeAt: Date; state: string }[]>`
      select id, wake_at as "wakeAt", state from waits where operation_id = ${id} and kind = 'timer'`;
    if (!row) throw new Error("no timer yet");
    return row;
  });

const runNow = (operationId: string, reason = "The customer asked us not to wait") =>
  performAction(
    { db: t.db, runs: h.runs, registry },
    {
      operationId,
      request: { action: "run_now", step: "later" },
      reason,
      principal: TEST_OPERATOR,
      requestMeta: NO_REQUEST,
    },
  );

describe("a step with a durable timer", () => {
  it("is declared completely (workflows:check)", () => {
    expect(checkWorkflow(timerWorkflow("test.timer"))).toEqual([]);
  });

  it("runs after its time, holding no worker or lease meanwhile", async () => {
    worker = await h.startWorker();
    const id = await h.start("test.timer", { delayMs: 1_500 });
    const timer = await scheduled(id);
    // While scheduled: processing, the step pending with no lease, and the only job for it
    // waits in pg-boss for the due time (nothing active, nothing held by the worker).
    const [op] = await t.db.$client`select status, current_step from operations where id = ${id}`;
    expect(op).toMatchObject({ status: "processing", current_step: "later" });
    const steps = await h.steps(id);
    expect(steps.find((s) => s.name === "later")).toMatchObject({ status: "pending", leaseOwner: null });
    const jobs = await t.db.$client<{ state: string; due: boolean }[]>`
      select state, start_after >= ${timer.wakeAt}::timestamptz - interval '1 millisecond' as due
      from pgboss.job where name = 'throughline_run' and data->>'operationId' = ${id} and data->>'reason' = 'timer'`;
    expect(jobs).toEqual([{ state: "created", due: true }]);
    expect(ran.has(`${id}:later`)).toBe(false);

    await h.waitFor(id, ["completed"]);
    const [fired] = await t.db.$client<{ early: boolean; startedAfterDue: boolean }[]>`
      select (f.data->>'early')::boolean as early,
        (select min(at) from events s where s.operation_id = ${id} and s.type = 'step_started' and s.step = 'later')
          >= ${timer.wakeAt}::timestamptz as "startedAfterDue"
      from events f where f.operation_id = ${id} and f.type = 'timer_fired'`;
    expect(fired).toEqual({ early: false, startedAfterDue: true });
    const [wait] = await t.db.$client`select state, completed_by from waits where id = ${timer.id}`;
    expect(wait).toMatchObject({ state: "completed", completed_by: "clock" });
    const types = (await h.events(id)).map((e) => e.type);
    expect(types.filter((x) => x === "timer_scheduled")).toHaveLength(1);
  });

  it("as the first step: the operation is processing, not accepted, while scheduled", async () => {
    const id = await h.start("test.timer_first", { delayMs: 3_600_000 });
    await scheduled(id);
    const [op] = await t.db.$client`select status from operations where id = ${id}`;
    expect(op?.status).toBe("processing");
    expect(await runNow(id)).toMatchObject({ type: "done", statusAfter: "processing" });
    await h.waitFor(id, ["completed"]);
  });

  it("an operator runs it now, audited with the reason; a second run-now is refused", async () => {
    const id = await h.start("test.timer", { delayMs: 3_600_000 });
    const timer = await scheduled(id);
    expect(await runNow(id, "no")).toMatchObject({ type: "invalid_reason" });
    expect(await runNow(id)).toMatchObject({ type: "done" });
    await h.waitFor(id, ["completed"]);
    const [wait] = await t.db.$client`select state, completed_by from waits where id = ${timer.id}`;
    expect(wait).toMatchObject({ state: "completed", completed_by: "user:operator@test.local" });
    const [audit] = await t.db.$client`
      select action, reason, step, actor_id from audit_records where operation_id = ${id}`;
    expect(audit).toMatchObject({
      action: "timer_run_now",
      reason: "The customer asked us not to wait",
      step: "later",
    });
    const fired = (await h.events(id)).filter((e) => e.type === "timer_fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]?.data).toMatchObject({ early: true, reason: "The customer asked us not to wait" });
    // The operation is completed now: nothing is scheduled any more.
    expect(await runNow(id)).toMatchObject({ type: expect.stringMatching(/refused|already_done/) });
  });

  it("run now on a step that is not scheduled is refused with words", async () => {
    const id = await h.start("test.timer", { delayMs: 3_600_000 });
    await scheduled(id);
    const result = await performAction(
      { db: t.db, runs: h.runs, registry },
      {
        operationId: id,
        request: { action: "run_now", step: "finish" },
        reason: "Wrong step on purpose",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      },
    );
    expect(result).toEqual({
      type: "refused",
      message: 'Step "finish" is not scheduled for later, so there is nothing to run now.',
    });
  });
});

describe("a timer survives a restart", () => {
  it("scheduled under one worker, which stops; a fresh worker runs it when due", async () => {
    await worker.stop();
    const first = await h.startWorker();
    const id = await h.start("test.timer", { delayMs: 2_000 });
    await scheduled(id);
    await first.stop();
    const [before] = await t.db.$client`select status from operations where id = ${id}`;
    expect(before?.status).toBe("processing");
    await h.startWorker();
    await h.waitFor(id, ["completed"]);
    expect(ran.has(`${id}:later`)).toBe(true);
  });
});
