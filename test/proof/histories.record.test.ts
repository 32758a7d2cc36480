/**
 * Records the stored histories (test/fixtures/histories/*.json) from real runs: the sample
 * workflows on real workers with the simulated providers, the scripted engine workflow, and
 * the model workflow driven step by step (crash, takeover, cancel, skip, replay, undo).
 * Re-recording is deliberate — it accepts that the product now reads old operations
 * differently — and runs only with `npm run histories:record` (RECORD_HISTORIES=1); then
 * review the diff of the fixtures like any other change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import { NO_REQUEST } from "@/server/audit/write";
import { ensureQueues } from "@/server/engine/queue";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { TEST_OPERATOR } from "@/test/principals";
import { RealSystem } from "@/test/proof/model/real";
import { Controller } from "@/test/proof/model/workflow";
import { testServices } from "@/test/services";
import { MODEL_SCENARIOS } from "./histories/model-scenarios";
import { historyRegistry, recordHistory } from "./histories/record";
import { SAMPLE_RUNS } from "./histories/sample-runs";

const RECORD = process.env.RECORD_HISTORIES === "1";

describe.runIf(RECORD)("record the stored histories", () => {
  describe("the model workflow, step by step", () => {
    let t: TestDatabase;
    let services: Services;
    let real: RealSystem;
    beforeAll(async () => {
      t = await createTestDatabase();
      await ensureQueues(t.url);
      const controller = new Controller();
      services = testServices(t, { registry: historyRegistry(controller) });
      real = new RealSystem(services, controller);
    });
    afterAll(async () => {
      await real.reset();
      await services.close();
      await t.drop();
    });

    const scenarios = MODEL_SCENARIOS;

    it.each(scenarios)("%s", async (name, description, status, steps) => {
      await real.reset();
      const id = await real.accept();
      for (const s of steps) {
        if (s[0] === "run") await real.run(id, s[1], s[2] ?? "ok");
        else if (s[0] === "act") expect(await real.act(id, s[1])).toBe(true);
        else if (s[0] === "kill") await real.kill(id);
        else if (s[0] === "restart") await real.restart();
        else await real.finish(id, s[1]);
      }
      const f = await recordHistory(services.db.$client, id, name, description);
      expect(f.expected.status).toBe(status);
    });
  });

  describe("the sample and scripted workflows on real workers", () => {
    let t: TestDatabase;
    let h: EngineHarness;
    let services: Services;
    beforeAll(async () => {
      t = await createTestDatabase();
      h = await engineHarness({ db: t.db, url: t.url, registry: historyRegistry(), random: () => 0.5 });
      await h.startWorker();
      services = testServices(t, { registry: historyRegistry() });
    });
    afterAll(async () => {
      await h.close();
      await services.close();
      await t.drop();
    });

    const act = (id: string, request: ActionRequest) =>
      performAction(services, {
        operationId: id,
        request,
        reason: "Recorded for the stored histories",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      });

    const runs = SAMPLE_RUNS;

    it.each(runs)("%s", async (name, description, type, input, first, action, then) => {
      const id = await h.start(type, input);
      expect(await h.waitFor(id, [first, first === "completed" ? "failed" : "completed"], 30_000)).toBe(
        first,
      );
      if (action) {
        expect((await act(id, action)).type).toBe("done");
        expect(await h.waitFor(id, [then!], 30_000)).toBe(then);
      }
      const f = await recordHistory(t.db.$client, id, name, description);
      expect(f.expected.status).toBe(then ?? first);
    });
  });
});
