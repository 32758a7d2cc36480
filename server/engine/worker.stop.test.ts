import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { scriptedWorkflow } from "@/test/engine/scripted-workflow";
import { eventually } from "@/test/eventually";

let t: TestDatabase;
let h: EngineHarness;
const registry = new WorkflowRegistry([scriptedWorkflow]);

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const untilStarted = (id: string, step: string) =>
  eventually(async () => {
    const started = (await h.events(id)).filter((e) => e.type === "step_started").map((e) => e.step);
    expect(started).toContain(step);
  });

const actors = (id: string) =>
  t.db.$client<{ type: string; step: string; actor: string }[]>`
    select type, step, actor from events where operation_id = ${id} and step is not null order by id`;

describe("worker.stop", () => {
  it("lets the running step finish, hands the rest to another worker, and records the stop", async () => {
    // A grace period longer than the test may take: stop resolves because the step finished.
    const first = await h.startWorker({ workerId: "first", graceMs: 10 * 60_000 });
    const id = await h.start("test.scripted", { script: { a: ["slow"] } });
    await untilStarted(id, "a");
    await first.stop();
    const afterStop = await actors(id);
    expect(afterStop.map((e) => `${e.type}:${e.step}:${e.actor}`)).toEqual([
      "step_started:a:worker:first",
      "step_succeeded:a:worker:first",
    ]);
    const [row] = await t.db.$client`select stopped_at from workers where id = 'first'`;
    expect(row?.stopped_at).not.toBeNull();

    const second = await h.startWorker({ workerId: "second" });
    expect(await h.waitFor(id)).toBe("completed");
    const rest = (await actors(id)).slice(2);
    expect(rest.every((e) => e.actor === "worker:second")).toBe(true);
    await second.stop();
  });

  it("after the grace period leaves the unfinished step for another worker at once", async () => {
    const impatient = await h.startWorker({ workerId: "impatient", graceMs: 100 });
    const id = await h.start("test.scripted", { script: { a: ["sleepy"] } });
    await untilStarted(id, "a");
    await impatient.stop();
    const [step] = await h.steps(id);
    expect(step).toMatchObject({ status: "running", leaseOwner: "impatient" });

    await h.startWorker({ workerId: "rescuer" });
    expect(await h.waitFor(id)).toBe("completed");
    const a = (await actors(id)).filter((e) => e.step === "a").map((e) => `${e.type}:${e.actor}`);
    expect(a).toEqual([
      "step_started:worker:impatient",
      "attempt_failed:worker:rescuer",
      "step_started:worker:rescuer",
      "step_succeeded:worker:rescuer",
    ]);
  });
});
