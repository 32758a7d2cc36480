import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRecords } from "@/db/schema";
import { operationsApi } from "@/server/http/operations-api";
import { createServices } from "@/server/services";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { pauseWorkflow, resumeWorkflow } from "./pause-workflow";
import {
  GATE_TYPE,
  type GateControls,
  gateControls,
  gateRegistry,
  gateWorkflow,
} from "./test-workflow.fixture";

let t: TestDatabase;
let harness: EngineHarness;
let controls: GateControls;
const meta = { requestId: null, clientAddress: null };
const KEY = "tl_pause_test_key_0123456789";
/** The gate workflow under another type name, never paused: the positive control. */
const UNPAUSED_TYPE = "test.gate.unpaused";

beforeAll(async () => {
  process.env.THROUGHLINE_BOOTSTRAP_API_KEY = KEY;
  t = await createTestDatabase();
  controls = gateControls();
  const gate = gateWorkflow(t.db, controls);
  harness = await engineHarness({
    db: t.db,
    url: t.url,
    registry: new WorkflowRegistry([gate, { ...gate, type: UNPAUSED_TYPE }]),
  });
});
afterAll(async () => {
  await harness.close();
  await t.drop();
});

const registry = () => gateRegistry(t.db, controls);

describe("pausing a workflow type", () => {
  it("queue mode: intake keeps accepting, no step starts until the type is resumed", async () => {
    const paused = await pauseWorkflow(
      { db: t.db, registry: registry() },
      {
        workflowType: GATE_TYPE,
        intake: "queue",
        reason: "Warehouse API is down",
        principal: TEST_OPERATOR,
        request: meta,
      },
    );
    expect(paused).toEqual({ type: "paused", intake: "queue" });
    // A worker reads the pauses before it fetches a job: started now, it knows of this one.
    await harness.startWorker({ pauseRefreshMs: 100 });
    const id = await harness.start(GATE_TYPE, {});
    controls.open.add(id);
    // Positive control: an operation of a type that is not paused, submitted after, runs to its closed gate…
    const control = await harness.start(UNPAUSED_TYPE, {});
    expect(await harness.waitFor(control, ["blocked"])).toBe("blocked");
    // …and the paused one's own run job has been through the worker: it had every chance to start a step.
    await harness.jobRan(id);
    expect((await harness.steps(id)).map((s) => s.status)).toEqual(["pending", "pending", "pending"]);

    const resumed = await resumeWorkflow(
      { db: t.db, runs: harness.runs },
      {
        workflowType: GATE_TYPE,
        reason: "Warehouse API is back",
        principal: TEST_OPERATOR,
        request: meta,
      },
    );
    expect(resumed).toMatchObject({ type: "resumed" });
    expect(await harness.waitFor(id)).toBe("completed");
    const again = await resumeWorkflow(
      { db: t.db, runs: harness.runs },
      {
        workflowType: GATE_TYPE,
        reason: "Resume twice",
        principal: TEST_OPERATOR,
        request: meta,
      },
    );
    expect(again.type).toBe("already_done");
  });

  it("reject mode: intake answers 503 with Retry-After until resumed", async () => {
    await pauseWorkflow(
      { db: t.db, registry: registry() },
      {
        workflowType: GATE_TYPE,
        intake: "reject",
        reason: "Stop taking orders for now",
        principal: TEST_OPERATOR,
        request: meta,
      },
    );
    const services = createServices({
      db: t.db,
      registry: registry(),
      runs: harness.runs,
    });
    const response = await operationsApi(services).startOperation(
      new Request("http://localhost/api/v1/operations", {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ type: GATE_TYPE, input: {} }),
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("60");
    expect(await response.json()).toMatchObject({ type: "/problems/unavailable" });

    await resumeWorkflow(
      { db: t.db, runs: harness.runs },
      {
        workflowType: GATE_TYPE,
        reason: "Taking orders again",
        principal: TEST_OPERATOR,
        request: meta,
      },
    );
    // The intake gate reads pauses at most once a second: it accepts again once it has.
    await eventually(async () => {
      const accepted = await services.intake.call({
        request: { type: GATE_TYPE, input: {} },
        caller: "key:x",
      });
      expect(accepted.type).toBe("created");
    });
  });

  it("audits every pause and resume with the intake mode", async () => {
    const rows = (await t.db.select().from(auditRecords)).filter((r) => r.action.startsWith("workflow_"));
    expect(rows.map((r) => [r.action, r.workflowType, (r.details as { intake?: string }).intake])).toEqual([
      ["workflow_paused", GATE_TYPE, "queue"],
      ["workflow_resumed", GATE_TYPE, "queue"],
      ["workflow_paused", GATE_TYPE, "reject"],
      ["workflow_resumed", GATE_TYPE, "reject"],
    ]);
  });
});
