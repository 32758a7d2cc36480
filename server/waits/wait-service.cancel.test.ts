import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import { NO_REQUEST } from "@/server/audit/write";
import { bulkWork } from "@/server/bulk/work";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { callbacks, undone, waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { WaitService } from "./wait-service";
import { waitsWork } from "./work";

const registry = new WorkflowRegistry([
  waitingWorkflow("test.wait"),
  waitingWorkflow("test.wait_undo", {}, { sendUndo: true }),
]);
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

async function waiting(type: string) {
  const id = await h.start(type, {});
  const callback = await eventually(async () => {
    const [found] = callbacks.get(id) ?? [];
    if (!found) throw new Error("no callback yet");
    const [row] = await t.db.$client`select 1 from waits where id = ${found.waitId}`;
    if (!row) throw new Error("the wait is not open");
    return found;
  });
  return { id, token: callback.token };
}

const cancel = (operationId: string) =>
  performAction(
    { db: t.db, runs: h.runs, registry },
    {
      operationId,
      request: { action: "cancel" },
      reason: "The customer withdrew the order",
      principal: TEST_OPERATOR,
      requestMeta: NO_REQUEST,
    },
  );
const ack = { status: "succeeded" as const, payload: { pickupRef: "PU-L" } };

describe("an operator cancels while a step waits", () => {
  it("the operation compensates and fails; a later acknowledgment is 410", async () => {
    const { id, token } = await waiting("test.wait");
    expect(await cancel(id)).toMatchObject({ type: "done" });
    await h.waitFor(id, ["failed"]);
    expect(undone.has(`${id}:prepare`)).toBe(true);
    expect(await waits.acknowledge({ token }, ack, { by: "callback", actor: "system" })).toMatchObject({
      type: "gone",
      reason: "finished",
    });
    // Refused, and kept on the operation's timeline.
    const refused = (await h.events(id)).filter((e) => e.type === "acknowledgment_refused");
    expect(refused.map((e) => e.data)).toEqual([expect.objectContaining({ reason: "finished" })]);
  });

  it("a waiting step with an undo of its own blocks for a person (what the other system holds is unknown)", async () => {
    const { id, token } = await waiting("test.wait_undo");
    expect(await cancel(id)).toMatchObject({ type: "done" });
    await h.waitFor(id, ["blocked"]);
    expect(await waits.acknowledge({ token }, ack, { by: "callback", actor: "system" })).toMatchObject({
      type: "gone",
    });
    const [wait] = await t.db.$client`select state from waits where operation_id = ${id}`;
    expect(["waiting", "cancelled"]).toContain(wait?.state);
  });
});
