import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import { NO_REQUEST } from "@/server/audit/write";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { type Behaviour, SHORT_TIMEOUT_MS, scriptedWorkflow } from "@/test/engine/scripted-workflow";
import { TEST_OPERATOR } from "@/test/principals";
import { RETRIES_EXHAUSTED_ACTION } from "./plan";
import type { RunningWorker } from "./worker";

let t: TestDatabase;
let h: EngineHarness;
let worker: RunningWorker;
/** The scripted workflow under another type name, never paused: the positive control. */
const UNPAUSED_TYPE = "test.scripted.unpaused";
const registry = new WorkflowRegistry([scriptedWorkflow, { ...scriptedWorkflow, type: UNPAUSED_TYPE }]);

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  // No jitter: retry times are exact.
  worker = await h.startWorker({ random: () => 0 });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const run = (script: Record<string, Behaviour[]>, pre: Record<string, "block" | "fail"> = {}) =>
  h.start("test.scripted", { script, pre });
const timeline = async (id: string) =>
  (await h.events(id)).map((e) => `${e.type}${e.step ? `:${e.step}` : ""}`);
const operation = async (id: string) =>
  (
    await t.db.$client`
    select status, blocked_kind as "blockedKind", blocked_reason as "blockedReason",
      action_required as "actionRequired", error, current_step as "currentStep"
    from operations where id = ${id}`
  )[0]!;

describe("runOperation", () => {
  it("runs every step in order and records the start and end of each attempt", async () => {
    const id = await run({});
    expect(await h.waitFor(id)).toBe("completed");
    const events = await h.events(id);
    expect(events.map((e) => e.type)).toEqual([
      "accepted",
      ...["a", "b", "c", "d"].flatMap(() => ["step_started", "step_succeeded"]),
      "completed",
    ]);
    const ended = events.filter((e) => e.type === "step_succeeded");
    for (const e of ended) expect(e.data).toMatchObject({ attempt: 1, durationMs: expect.any(Number) });
    expect((await h.steps(id)).every((s) => s.status === "succeeded" && s.leaseOwner === null)).toBe(true);
  });

  it("retries a transient error after the policy's delay, and says when", async () => {
    const id = await run({ a: ["transient", "transient"] });
    expect(await h.waitFor(id)).toBe("completed");
    const events = await h.events(id);
    const scheduled = events.filter((e) => e.type === "retry_scheduled").map((e) => e.data);
    expect(scheduled).toEqual([
      { attempt: 1, at: expect.any(String), delayMs: 50 },
      { attempt: 2, at: expect.any(String), delayMs: 100 },
    ]);
    const failed = events.find((e) => e.type === "attempt_failed")!;
    expect(failed.data).toMatchObject({
      attempt: 1,
      errorClass: "transient",
      message: "a blipped",
      code: "blip",
    });
    expect((await h.steps(id))[0]).toMatchObject({ status: "succeeded", attempts: 3 });
  });

  it("treats an unknown error as transient, recording an incident instead of its text", async () => {
    const id = await run({ b: ["unknown"] });
    expect(await h.waitFor(id)).toBe("completed");
    const failed = (await h.events(id)).find((e) => e.type === "attempt_failed")!;
    expect(failed.data).toMatchObject({ errorClass: "transient", code: "unexpected_error" });
    expect(failed.data!.message).toMatch(
      /^The step failed with an unexpected error \(Error\)\. Incident [0-9a-f-]{36}/,
    );
  });

  it("blocks when retries are exhausted, and a resume runs the step again", async () => {
    const id = await run({ a: ["transient", "transient", "transient"] });
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    expect(await operation(id)).toMatchObject({
      blockedKind: "retries_exhausted",
      blockedReason: 'Retries exhausted after 3 attempts of "Step a": a blipped',
      actionRequired: RETRIES_EXHAUSTED_ACTION,
      currentStep: "a",
    });
    expect((await timeline(id)).slice(-2)).toEqual(["attempt_failed:a", "blocked:a"]);
    // An operator resumes it from the console (server/actions/perform.ts, the one resume path).
    const resumed = await performAction(
      { db: t.db, runs: h.runs },
      {
        operationId: id,
        request: { action: "resume" },
        reason: "Fixed the cause of the blip",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      },
    );
    expect(resumed.type).toBe("done");
    expect(await h.waitFor(id)).toBe("completed");
    expect((await h.steps(id))[0]?.attempts).toBe(4);
  });

  it("fails and compensates when the step's policy says to fail on exhaustion", async () => {
    const id = await run({ d: ["transient", "transient", "transient"] });
    expect(await h.waitFor(id)).toBe("failed");
    expect((await operation(id)).error).toMatchObject({ code: "retries_exhausted", step: "d" });
  });

  it("compensates succeeded steps latest first after a permanent error, skipping the ones with nothing to undo", async () => {
    const id = await run({ d: ["permanent"] });
    expect(await h.waitFor(id)).toBe("failed");
    expect((await timeline(id)).slice(-7)).toEqual([
      "attempt_failed:d",
      "step_failed:d",
      "compensation_started:c",
      "step_compensated:c",
      "compensation_started:a",
      "step_compensated:a",
      "failed:d",
    ]);
    expect((await h.steps(id)).map((s) => s.status)).toEqual([
      "compensated",
      "succeeded",
      "compensated",
      "failed",
    ]);
  });

  it("blocks with the kind and the action a step asks a person for", async () => {
    const id = await run({ c: ["person"] });
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    expect(await operation(id)).toMatchObject({
      blockedKind: "awaiting_person",
      blockedReason: "c needs an address",
      actionRequired: "Ask the customer",
      currentStep: "c",
    });
  });

  it("a failed precondition blocks or fails, as the step declares, before any effect", async () => {
    const blocked = await run({}, { b: "block" });
    const failed = await run({}, { b: "fail" });
    expect(await h.waitFor(blocked, ["blocked"])).toBe("blocked");
    expect(await operation(blocked)).toMatchObject({
      blockedKind: "precondition_failed",
      actionRequired: "Prepare b",
    });
    expect(await h.waitFor(failed)).toBe("failed");
    expect((await operation(failed)).error).toMatchObject({
      message: "b can never run",
      code: "precondition_failed",
    });
    // a succeeded before b's check failed; it is undone.
    expect((await h.steps(failed)).map((s) => s.status)).toEqual([
      "compensated",
      "failed",
      "skipped",
      "skipped",
    ]);
  });

  it("aborts a step that runs past its timeout and retries it", async () => {
    const id = await run({ c: ["hang"] });
    expect(await h.waitFor(id)).toBe("completed");
    const failed = (await h.events(id)).find((e) => e.type === "attempt_failed")!;
    expect(failed).toMatchObject({ step: "c", data: { errorClass: "transient", code: "timeout" } });
    expect(failed.data!.durationMs as number).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 5);
  });

  it("starts no step of a paused workflow type, and carries on when it is un-paused", async () => {
    await t.db.$client`
      insert into workflow_pauses (workflow_type, intake, reason, paused_by)
      values ('test.scripted', 'queue', 'provider incident', 'user:ops@example.com')`;
    // A worker reads the pauses before it fetches a job: this one knows of the pause from the start.
    await worker.stop();
    worker = await h.startWorker({ random: () => 0 });
    const id = await run({});
    // Positive control: an operation of a type that is not paused, submitted after, completes…
    const control = await h.start(UNPAUSED_TYPE, {});
    expect(await h.waitFor(control)).toBe("completed");
    // …and the paused one's own run job has been through the worker: it had every chance to start a step.
    await h.jobRan(id);
    expect((await operation(id)).status).toBe("accepted");
    expect((await h.steps(id)).map((s) => s.status)).toEqual(["pending", "pending", "pending", "pending"]);
    await t.db.$client`delete from workflow_pauses where workflow_type = 'test.scripted'`;
    expect(await h.waitFor(id)).toBe("completed");
  });
});
