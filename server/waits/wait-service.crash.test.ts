import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKFLOWS } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness, spawnWorkerChild, type WorkerChild } from "@/test/engine/harness";
import { waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { createCallbackToken } from "./callback-token";
import { callbackSecret } from "./settings";
import { WaitService } from "./wait-service";

const registry = new WorkflowRegistry([...WORKFLOWS, waitingWorkflow("test.wait")]);
let t: TestDatabase;
let h: EngineHarness;
let waits: WaitService;
const children: WorkerChild[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  waits = new WaitService({ db: t.db, runs: h.runs, registry });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await h.close();
  await t.drop();
});

async function child(env: Record<string, string> = {}) {
  const started = await spawnWorkerChild(t.url, { EXTRA_WORKFLOWS: "waiting", ...env });
  children.push(started);
  return started;
}

/** The open wait's callback token, as the effect handed it out (same secret, same binding). */
async function openWait(id: string) {
  return eventually(async () => {
    const rows = await t.db.$client<{ id: string }[]>`
      select id from waits where operation_id = ${id} and state = 'waiting'`;
    if (rows.length !== 1) throw new Error(`${rows.length} open waits`);
    return createCallbackToken(callbackSecret(), { waitId: rows[0]!.id, operationId: id, step: "send" });
  });
}

const ack = { status: "succeeded" as const, payload: { pickupRef: "PU-K" } };
const partner = { by: "callback", actor: "system" };

describe("waits survive a SIGKILLed worker", () => {
  it("a wait open when its worker is killed is completed with no worker, and the next worker finishes", async () => {
    const first = await child();
    const id = await h.start("test.wait", {});
    const token = await openWait(id);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await waits.acknowledge({ token }, ack, partner)).toMatchObject({
      type: "accepted",
      replayed: false,
    });
    await child();
    await h.waitFor(id, ["completed"], 60_000);
    const events = await h.events(id);
    expect(events.filter((e) => e.type === "acknowledged")).toHaveLength(1);
    expect(events.filter((e) => e.type === "step_succeeded" && e.step === "send")).toHaveLength(1);
  });

  it("killed after the effect, before its wait opened: the next worker opens exactly one wait", async () => {
    // Only the crashing worker may take the run.
    await Promise.all(children.splice(0).map((c) => c.stop()));
    const crashing = await child({ CRASH_AT: "afterEffect", CRASH_STEP: "send" });
    const id = await h.start("test.wait", {});
    await crashing.exited;
    await child();
    const token = await openWait(id);
    expect(await waits.acknowledge({ token }, ack, partner)).toMatchObject({ type: "accepted" });
    await h.waitFor(id, ["completed"], 60_000);
    const [count] = await t.db.$client`select count(*)::int as n from waits where operation_id = ${id}`;
    expect(count?.n).toBe(1);
  });
});
