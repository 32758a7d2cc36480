import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freePort } from "@/db/free-port";
import { ALERT_TICK_MS, evaluateAlerts } from "@/server/alerts/evaluate";
import { createApiKey } from "@/server/auth/api-keys";
import { createTrackToken } from "@/server/auth/track-token";
import type { Services } from "@/server/services";
import { WORKFLOWS } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow } from "@/server/workflows/kit/types";
import { type ApiServer, startApiServer } from "@/test/api-server";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { testServices } from "@/test/services";
import { ensureSyntheticKey, syntheticKeySecret } from "./key";
import { runSyntheticCheck, type SyntheticDeps } from "./run";

/**
 * The synthetic check through the real public path: POST /api/v1/operations over HTTP (the web's
 * own front over the real services), real workers running the operation, GET until completed,
 * the track page's read model until it says completed; then what it records when the web is not
 * there, when the deadline passes, and the alert that follows.
 */

/** The stalled probe's only step waits here until the test lets it go. */
let releaseStall: (() => void) | undefined;
const stalled = new Promise<void>((resolve) => {
  releaseStall = resolve;
});
const stall = defineWorkflow({
  type: "test.stall",
  version: 1,
  title: "Stalling probe",
  description: "One step that waits for the test.",
  input: z.object({}),
  exampleInput: {},
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 10_000 },
  stuckAfterMs: 60_000,
  runbook: "Test only.",
  synthetic: { everyMs: 60_000, input: {}, deadlineMs: 1_000 },
  steps: [
    {
      name: "wait",
      title: "Wait",
      userText: "Waiting",
      effect: { description: "Waits for the test.", run: () => stalled.then(() => ({ ok: true })) },
      compensation: { none: "Changes nothing." },
      retry: { maxAttempts: 1, initialDelayMs: 10, backoff: 1, maxDelayMs: 10 },
      timeoutMs: 60_000,
    },
  ],
});
/** A probe whose one step sends an email: failing the email provider fails the check. */
const mailer = defineWorkflow({
  type: "test.mailer",
  version: 1,
  title: "Mailing probe",
  description: "One step that sends an email through the sample provider.",
  input: z.object({}),
  exampleInput: {},
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 10_000 },
  stuckAfterMs: 60_000,
  runbook: "Test only.",
  synthetic: { everyMs: 60_000, input: {}, deadlineMs: 20_000 },
  steps: [
    {
      name: "send",
      title: "Send",
      userText: "Sending",
      effect: {
        description: "Sends one email.",
        run: ({ operationId, idempotencyKey, signal, providers }) =>
          providers.email.send({
            to: "probe@example.com",
            subject: operationId,
            body: "-",
            idempotencyKey,
            signal,
          }),
      },
      compensation: { none: "An email cannot be unsent." },
      retry: { maxAttempts: 1, initialDelayMs: 10, backoff: 1, maxDelayMs: 10, onExhausted: "fail" },
      timeoutMs: 10_000,
    },
  ],
});
const registry = new WorkflowRegistry([...WORKFLOWS, stall, mailer]);

let t: TestDatabase;
let services: Services;
let api: ApiServer;
let h: EngineHarness;
let deps: SyntheticDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t, { registry });
  api = await startApiServer(services);
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
  deps = {
    db: t.db,
    registry,
    track: services.presenters.track,
    baseUrl: api.baseUrl,
    apiKey: await ensureSyntheticKey(t.db),
    pollMs: 25,
  };
  // A loaded test box must not turn a pass into "slow": the budget is an admin's override here.
  await t.db.$client`insert into alert_rule_overrides (rule, workflow_type, threshold, reason, updated_by)
    values ('synthetic_check', 'demo.noop', 3600000, 'test: no budget', 'test')`;
});
afterAll(async () => {
  releaseStall?.();
  await h?.close();
  await api?.close();
  await services?.close();
  await t?.drop();
});

const runRow = async (id: string) => {
  const [row] = await t.db.$client`select * from synthetic_runs where id = ${id}`;
  return row!;
};
const openSyntheticAlert = async () => {
  const [row] = await t.db.$client<{ state: string; summary: string }[]>`
    select state, summary from alerts
    where rule = 'synthetic_check' and workflow_type = 'demo.noop' and resolved_at is null`;
  return row;
};

describe("runSyntheticCheck", () => {
  it("sends demo.noop through POST and GET over HTTP and records accepted, completed and visible", async () => {
    const result = await runSyntheticCheck(deps, { workflowType: "demo.noop" });
    if (!result.ran) throw new Error(`did not run: ${result.reason}`);
    const { run } = result;
    expect(run).toMatchObject({ workflowType: "demo.noop", outcome: "passed", error: null });

    const row = await runRow(run.id);
    expect(row.outcome).toBe("passed");
    expect(row.finished_at).not.toBeNull();
    expect(row.operation_id).toBe(run.operationId);
    for (const figure of [row.accepted_ms, row.completed_ms, row.visible_ms])
      expect(figure).toEqual(expect.any(Number));
    expect(row.accepted_ms).toBeLessThanOrEqual(row.completed_ms);
    expect(row.completed_ms).toBeLessThanOrEqual(row.visible_ms);

    // The operation went through the public path under the checker's key, flagged synthetic.
    const [op] = await t.db
      .$client`select status, synthetic, submitted_by from operations where id = ${run.operationId}`;
    expect(op).toMatchObject({
      status: "completed",
      synthetic: true,
      submitted_by: `key:${syntheticKeySecret().slice(0, 12)}`,
    });
    const track = await services.presenters.track.call(createTrackToken(run.operationId!));
    expect(track.type === "ok" && track.view.state).toBe("completed");
  });

  it("flags only the checker's key: another key's operation is real, and a body cannot claim synthetic", async () => {
    const other = await createApiKey({ db: t.db, name: "client", scopes: ["operations:write"] });
    const post = (body: unknown) =>
      fetch(`${api.baseUrl}/api/v1/operations`, {
        method: "POST",
        headers: { authorization: `Bearer ${other.secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const claimed = await post({ type: "demo.noop", input: {}, synthetic: true });
    expect(claimed.status).toBe(400);
    const plain = await post({ type: "demo.noop", input: {} });
    expect(plain.status).toBe(202);
    const { id } = (await plain.json()) as { id: string };
    const [op] = await t.db.$client`select synthetic from operations where id = ${id}`;
    expect(op!.synthetic).toBe(false);
  });

  it("runs at most one per type at once, and once per slot", async () => {
    const blocker = "00000000-0000-7000-8000-000000000001";
    await t.db
      .$client`insert into synthetic_runs (id, workflow_type, started_at) values (${blocker}, 'demo.noop', now())`;
    expect(await runSyntheticCheck(deps, { workflowType: "demo.noop" })).toEqual({
      ran: false,
      reason: "in_flight",
    });
    await t.db.$client`delete from synthetic_runs where id = ${blocker}`;

    // A slot that began in 1970 (2^42 ms long) already holds the first test's run.
    expect(await runSyntheticCheck(deps, { workflowType: "demo.noop", slotMs: 2 ** 42 })).toEqual({
      ran: false,
      reason: "done",
    });
    expect(await runSyntheticCheck(deps, { workflowType: "order.fulfill" })).toEqual({
      ran: false,
      reason: "not_opted_in",
    });
  });

  it("records a run past its deadline as failed, saying what it waited for", async () => {
    const result = await runSyntheticCheck(deps, { workflowType: "test.stall" });
    if (!result.ran) throw new Error(`did not run: ${result.reason}`);
    expect(result.run.outcome).toBe("failed");
    expect(result.run.error).toMatch(/^timed out after 1000 ms waiting for the operation to complete/);
    const row = await runRow(result.run.id);
    expect(row.accepted_ms).toEqual(expect.any(Number));
    expect(row.completed_ms).toBeNull();
    expect(row.visible_ms).toBeNull();
    expect(row.finished_at).not.toBeNull();
    releaseStall!();
    await h.waitFor(result.run.operationId!, ["completed"]);
  });

  it("records an unreachable web as a failed run, the alert fires, and the next good run resolves it", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    // It tries again each second (a web restarting is waited for) until its deadline, then fails.
    const result = await runSyntheticCheck(
      { ...deps, baseUrl: nobody },
      { workflowType: "demo.noop", deadlineMs: 2_500 },
    );
    if (!result.ran) throw new Error(`did not run: ${result.reason}`);
    expect(result.run).toMatchObject({ outcome: "failed", operationId: null, acceptedMs: null });
    expect(result.run.error).toBe(
      `timed out after 2500 ms waiting for the web to accept the operation (last error: the web did not answer POST ${nobody}/api/v1/operations: ECONNREFUSED)`,
    );
    expect((await runRow(result.run.id)).error).toBe(result.run.error);

    const fired = await evaluateAlerts({ db: t.db, registry });
    expect(fired).toMatchObject({ ran: true });
    expect(await openSyntheticAlert()).toMatchObject({
      state: "firing",
      summary: `the synthetic check failed: ${result.run.error}`,
    });

    // A run in flight within its budget says nothing yet: the failing alert stays open meanwhile.
    const inFlight = "00000000-0000-7000-8000-000000000002";
    await t.db
      .$client`insert into synthetic_runs (id, workflow_type, started_at) values (${inFlight}, 'demo.noop', now())`;
    await evaluateAlerts({ db: t.db, registry, now: new Date(Date.now() + ALERT_TICK_MS) });
    expect(await openSyntheticAlert()).toMatchObject({ state: "firing" });
    await t.db.$client`delete from synthetic_runs where id = ${inFlight}`;

    const good = await runSyntheticCheck(deps, { workflowType: "demo.noop" });
    expect(good.ran && good.run.outcome).toBe("passed");
    // The evaluator's next tick: the latest run passed, so the condition has cleared.
    await evaluateAlerts({ db: t.db, registry, now: new Date(Date.now() + 2 * ALERT_TICK_MS) });
    expect(await openSyntheticAlert()).toBeUndefined();
  });

  it("waits for a web that comes up during the check (a deploy, a fleet starting)", async () => {
    const port = await freePort();
    let late: ApiServer | undefined;
    let refused!: () => void;
    const firstRefusal = new Promise<void>((resolve) => {
      refused = resolve;
    });
    // The real fetch, telling the test when the first try found nobody there.
    const watching: typeof fetch = (input, init) =>
      fetch(input, init).catch((error: unknown) => {
        refused();
        throw error;
      });
    const running = runSyntheticCheck(
      { ...deps, baseUrl: `http://127.0.0.1:${port}`, fetch: watching },
      { workflowType: "demo.noop" },
    );
    await firstRefusal;
    late = await startApiServer(services, port);
    try {
      const result = await running;
      if (!result.ran) throw new Error(`did not run: ${result.reason}`);
      expect(result.run).toMatchObject({ outcome: "passed", error: null });
      expect(result.run.visibleMs).toEqual(expect.any(Number));
    } finally {
      await late.close();
    }
  });

  it("fails and alerts when the workflow's provider fails", async () => {
    await services.faults.set({
      provider: "email",
      latencyMs: 0,
      transientErrorRate: 0,
      permanentErrorRate: 1,
      loseAnswerRate: 0,
    });
    try {
      const result = await runSyntheticCheck(deps, { workflowType: "test.mailer" });
      if (!result.ran) throw new Error(`did not run: ${result.reason}`);
      expect(result.run).toMatchObject({ outcome: "failed", completedMs: null, visibleMs: null });
      expect(result.run.error).toMatch(/^the operation failed/);
      await evaluateAlerts({ db: t.db, registry, now: new Date(Date.now() + 4 * ALERT_TICK_MS) });
      const [alert] = await t.db.$client`select state, summary from alerts
        where rule = 'synthetic_check' and workflow_type = 'test.mailer' and resolved_at is null`;
      expect(alert).toMatchObject({
        state: "firing",
        summary: `the synthetic check failed: ${result.run.error}`,
      });
    } finally {
      await services.faults.set({
        provider: "email",
        latencyMs: 0,
        transientErrorRate: 0,
        permanentErrorRate: 0,
        loseAnswerRate: 0,
      });
    }
  });

  it("records a run over the budget as slow, and the alert fires on the budget", async () => {
    await t.db.$client`update alert_rule_overrides set threshold = 100
      where rule = 'synthetic_check' and workflow_type = 'demo.noop'`;
    // Each reading of the figures' clock is a second later: the run is slower than 100 ms for sure.
    let ms = 0;
    const clock = () => (ms += 1_000);
    const result = await runSyntheticCheck({ ...deps, clock }, { workflowType: "demo.noop" });
    if (!result.ran) throw new Error(`did not run: ${result.reason}`);
    expect(result.run).toMatchObject({ outcome: "slow", error: null });
    expect(result.run.visibleMs).toBeGreaterThan(100);

    await evaluateAlerts({ db: t.db, registry, now: new Date(Date.now() + 3 * ALERT_TICK_MS) });
    expect(await openSyntheticAlert()).toMatchObject({
      state: "firing",
      summary: expect.stringMatching(/^the synthetic check took longer than its budget/),
    });
    await t.db.$client`update alert_rule_overrides set threshold = 3600000
      where rule = 'synthetic_check' and workflow_type = 'demo.noop'`;
  });
});
