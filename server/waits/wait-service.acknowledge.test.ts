import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkWork } from "@/server/bulk/work";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { callbacks, waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { createCallbackToken, verifyCallbackToken } from "./callback-token";
import { WaitService } from "./wait-service";
import { waitsWork } from "./work";

const registry = new WorkflowRegistry([waitingWorkflow("test.wait")]);
const partner = { by: "callback", actor: "system" };
let t: TestDatabase;
let h: EngineHarness;
let waits: WaitService;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker({ companions: [bulkWork, waitsWork] });
  waits = new WaitService({ db: t.db, runs: h.runs, registry });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

/** Starts an operation and resolves with the callback its waiting step handed out, once the wait is open. */
async function waiting(): Promise<{ id: string; token: string; waitId: string }> {
  const id = await h.start("test.wait", {});
  return eventually(async () => {
    const [callback] = callbacks.get(id) ?? [];
    if (!callback) throw new Error("the effect has not run");
    const [row] = await t.db.$client`select state from waits where id = ${callback.waitId}`;
    if (row?.state !== "waiting") throw new Error("the wait is not open");
    return { id, token: callback.token, waitId: callback.waitId };
  });
}

const ack = (pickupRef: string) => ({ status: "succeeded" as const, payload: { pickupRef } });
const eventTypes = async (id: string) => (await h.events(id)).map((e) => e.type);

describe("a step waiting for an acknowledgment", () => {
  it("holds no worker and no lease while waiting, and shows what it waits for", async () => {
    const { id, waitId } = await waiting();
    await h.jobRan(id);
    const [op] = await t.db.$client`select status, current_step from operations where id = ${id}`;
    expect(op).toMatchObject({ status: "processing", current_step: "send" });
    const [send] = await t.db.$client`
      select status, lease_owner, lease_expires_at from steps where operation_id = ${id} and name = 'send'`;
    expect(send).toMatchObject({ status: "running", lease_owner: `wait:${waitId}`, lease_expires_at: null });
    const started = (await h.events(id)).find((e) => e.type === "wait_started");
    expect(started?.data).toMatchObject({
      waitId,
      target: "partner",
      stage: "Waiting for the partner to confirm pickup",
    });
    const [row] = await t.db
      .$client`select deadline_at > now() + interval '59 minutes' as ok from waits where id = ${waitId}`;
    expect(row?.ok).toBe(true);
  });

  it("completes on the callback: the first acknowledgment wins, the same again is 200, another 409", async () => {
    const { id, token } = await waiting();
    const first = await waits.acknowledge({ token }, ack("PU-1"), partner);
    expect(first).toMatchObject({
      type: "accepted",
      replayed: false,
      wait: { state: "completed", outcome: "succeeded" },
    });
    await h.waitFor(id, ["completed"]);
    const [send] = await t.db.$client`select output from steps where operation_id = ${id} and name = 'send'`;
    expect(send?.output).toEqual({ pickupRef: "PU-1" });
    expect(await waits.acknowledge({ token }, ack("PU-1"), partner)).toMatchObject({
      type: "accepted",
      replayed: true,
    });
    expect(await waits.acknowledge({ token }, ack("PU-2"), partner)).toMatchObject({ type: "conflict" });
    expect((await eventTypes(id)).filter((e) => e === "acknowledged")).toHaveLength(1);
  });

  it("refuses a payload outside the step's schema with its issues and changes nothing", async () => {
    const { id, token, waitId } = await waiting();
    const before = await eventTypes(id);
    const refused = await waits.acknowledge(
      { token },
      { status: "succeeded", payload: { pickupRef: 7 } },
      partner,
    );
    expect(refused).toMatchObject({ type: "invalid", issues: [{ path: "pickupRef" }] });
    const extra = await waits.acknowledge(
      { token },
      { status: "succeeded", payload: { pickupRef: "PU-3", x: 1 } },
      partner,
    );
    expect(extra.type).toBe("invalid");
    expect(await eventTypes(id)).toEqual(before);
    const [row] = await t.db.$client`select state, payload from waits where id = ${waitId}`;
    expect(row).toMatchObject({ state: "waiting", payload: null });
    // Positive control: a valid one still completes it.
    expect(await waits.acknowledge({ token }, ack("PU-3"), partner)).toMatchObject({ type: "accepted" });
    await h.waitFor(id, ["completed"]);
  });

  it("answers a forged, truncated or other operation's token like an unknown one", async () => {
    const a = await waiting();
    const b = await waiting();
    const binding = verifyCallbackToken("vitest-only-secret", a.token)!;
    const otherOperation = createCallbackToken("vitest-only-secret", { ...binding, operationId: b.id });
    const otherStep = createCallbackToken("vitest-only-secret", { ...binding, step: "finish" });
    const forged = createCallbackToken("another-secret", binding);
    const unknown = createCallbackToken("vitest-only-secret", { ...binding, waitId: crypto.randomUUID() });
    for (const token of [
      forged,
      a.token.slice(0, -1),
      a.token.slice(1),
      otherOperation,
      otherStep,
      unknown,
      "x",
    ]) {
      expect(await waits.acknowledge({ token }, ack("PU-4"), partner)).toEqual({ type: "not_found" });
    }
    const [row] = await t.db.$client`select state from waits where id = ${a.waitId}`;
    expect(row?.state).toBe("waiting");
    expect(await waits.acknowledge({ token: a.token }, ack("PU-4"), partner)).toMatchObject({
      type: "accepted",
    });
  });

  it("completes once under 100 concurrent identical callbacks", async () => {
    const { id, token } = await waiting();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => waits.acknowledge({ token }, ack("PU-100"), partner)),
    );
    expect(results.every((r) => r.type === "accepted")).toBe(true);
    expect(results.filter((r) => r.type === "accepted" && !r.replayed)).toHaveLength(1);
    await h.waitFor(id, ["completed"]);
    const events = await h.events(id);
    expect(events.filter((e) => e.type === "acknowledged")).toHaveLength(1);
    expect(events.filter((e) => e.type === "step_succeeded" && e.step === "send")).toHaveLength(1);
    expect(events.filter((e) => e.type === "step_started" && e.step === "finish")).toHaveLength(1);
  });

  it("takes an API key's acknowledgment by operation and step", async () => {
    const { id } = await waiting();
    const who = { by: "key:tl_test", actor: "key:tl_test" };
    expect(await waits.acknowledge({ operationId: id, step: "prepare" }, ack("PU-5"), who)).toEqual({
      type: "not_found",
    });
    expect(await waits.acknowledge({ operationId: id, step: "send" }, ack("PU-5"), who)).toMatchObject({
      type: "accepted",
    });
    await h.waitFor(id, ["completed"]);
    const [row] = await t.db.$client`select completed_by from waits where operation_id = ${id}`;
    expect(row?.completed_by).toBe("key:tl_test");
  });
});
