import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow, type StepDefinition } from "@/server/workflows/kit/types";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { MissingWorkflowVersionError } from "./versions";

const step = (name: string, version: number): StepDefinition => ({
  name,
  title: name,
  userText: name,
  effect: { description: "Says which version ran it.", run: async () => ({ version }) },
  compensation: { none: "Test step." },
  retry: { maxAttempts: 1, initialDelayMs: 0, backoff: 1, maxDelayMs: 0 },
  timeoutMs: 1_000,
});

const versioned = (version: number, steps: string[]) =>
  defineWorkflow({
    type: "test.versioned",
    version,
    title: `Versioned v${version}`,
    description: "Version pinning test.",
    input: z.object({}),
    exampleInput: {},
    completion: { mode: "staged" },
    text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
    objective: { p95Ms: 1_000 },
    stuckAfterMs: 60_000,
    runbook: "Test only.",
    steps: steps.map((s) => step(s, version)),
  });

const v1 = versioned(1, ["one", "two"]);
const v2 = versioned(2, ["one", "two", "three"]);

let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const result = async (id: string) =>
  (await t.db.$client`select version, result from operations where id = ${id}`)[0] as {
    version: number;
    result: unknown;
  };

describe("version pinning", () => {
  it("refuses to start without a version in-flight operations run under, naming them", async () => {
    const inFlight = await h.start("test.versioned", {}, new WorkflowRegistry([v1]));
    const start = h.startWorker({ registry: new WorkflowRegistry([v2]) });
    await expect(start).rejects.toBeInstanceOf(MissingWorkflowVersionError);
    await expect(start).rejects.toThrow(`test.versioned v1: 1 operation(s) not finished, e.g. ${inFlight}`);
  });

  it("after a deploy that adds v2 as the default, v1 operations finish under v1 and new ones start under v2", async () => {
    // Accepted by the old build (v1 only); that build's workers stopped before running it.
    const old = await h.start("test.versioned", {}, new WorkflowRegistry([v1]));
    const both = new WorkflowRegistry([v1, v2]);
    await h.startWorker({ registry: both });
    const fresh = await h.start("test.versioned", {}, both);

    expect(await h.waitFor(old)).toBe("completed");
    expect(await h.waitFor(fresh)).toBe("completed");
    expect(await result(old)).toEqual({ version: 1, result: { one: { version: 1 }, two: { version: 1 } } });
    expect(await result(fresh)).toEqual({
      version: 2,
      result: { one: { version: 2 }, two: { version: 2 }, three: { version: 2 } },
    });
  });
});
