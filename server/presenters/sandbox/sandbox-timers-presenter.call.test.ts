import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import { NO_REQUEST } from "@/server/audit/write";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { timerWorkflow } from "@/test/engine/timer-workflow";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { SandboxTimersPresenter } from "./sandbox-timers-presenter";

const registry = new WorkflowRegistry([timerWorkflow("test.timer")]);
let t: TestDatabase;
let h: EngineHarness;
let presenter: SandboxTimersPresenter;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
  presenter = new SandboxTimersPresenter(t.db, registry);
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

/** An operation whose `later` step is scheduled `delayMs` ahead, once its timer is open. */
async function scheduled(delayMs: number) {
  const id = await h.start("test.timer", { delayMs });
  const wakeAt = await eventually(async () => {
    const [row] = await t.db.$client<{ wakeAt: Date }[]>`
      select wake_at as "wakeAt" from waits where operation_id = ${id} and kind = 'timer' and state = 'waiting'`;
    if (!row) throw new Error("no open timer yet");
    return new Date(row.wakeAt);
  });
  return { id, wakeAt };
}

describe("the sandbox's scheduled steps", () => {
  it("lists each open timer soonest due first, with the step's words and its due time, until it runs", async () => {
    const later = await scheduled(7_200_000);
    const sooner = await scheduled(3_600_000);
    const listed = await presenter.call();
    expect(listed.map((x) => x.operationId)).toEqual([sooner.id, later.id]);
    expect(listed[0]).toMatchObject({
      type: "test.timer",
      step: "later",
      stepTitle: "Step later",
      stage: "Waiting for the cooling-off window to end",
      dueAt: sooner.wakeAt,
    });

    const ran = await performAction(
      { db: t.db, runs: h.runs, registry },
      {
        operationId: sooner.id,
        request: { action: "run_now", step: "later" },
        reason: "A drill should not wait an hour",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      },
    );
    expect(ran).toMatchObject({ type: "done" });
    await h.waitFor(sooner.id, ["completed"]);
    expect((await presenter.call()).map((x) => x.operationId)).toEqual([later.id]);
  });
});
