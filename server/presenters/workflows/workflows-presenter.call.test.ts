import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { SYNTHETIC_RUNS_SHOWN, WorkflowsPresenter } from "./workflows-presenter";

/** The Workflows page's rows: success and lag without synthetic operations; each check's latest runs. */
let t: TestDatabase;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function finishedOp(type: string, status: "completed" | "failed", synthetic: boolean, lagMs: number) {
  const createdAt = ago(60_000 + lagMs);
  await t.db.$client`
    insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, synthetic,
      created_at, updated_at, completed_at)
    values (${uuidv7({ msecs: createdAt.getTime() })}, ${type}, 1, ${status}, '{}', 'key:test', 'h', 't', ${synthetic},
      ${createdAt.toISOString()}, ${ago(60_000).toISOString()}, ${ago(60_000).toISOString()})`;
}

describe("WorkflowsPresenter", () => {
  it("leaves synthetic operations out of success and lag, and lists each check's latest runs oldest first", async () => {
    await finishedOp("demo.noop", "completed", false, 1_000);
    await finishedOp("demo.noop", "completed", false, 3_000);
    // Synthetic ones that would change both figures if they counted.
    await finishedOp("demo.noop", "failed", true, 90_000);
    await finishedOp("demo.noop", "failed", true, 90_000);
    for (let i = 0; i < SYNTHETIC_RUNS_SHOWN + 5; i++) {
      const at = ago((SYNTHETIC_RUNS_SHOWN + 5 - i) * 60_000);
      const outcome = i % 10 === 0 ? "failed" : "passed";
      await t.db
        .$client`insert into synthetic_runs (id, workflow_type, started_at, visible_ms, outcome, error, finished_at)
        values (${uuidv7({ msecs: at.getTime() })}, 'demo.noop', ${at.toISOString()}, ${outcome === "passed" ? 200 + i : null},
          ${outcome}, ${outcome === "failed" ? "the web did not answer" : null}, ${at.toISOString()})`;
    }
    const running = ago(1_000);
    await t.db.$client`insert into synthetic_runs (id, workflow_type, started_at)
      values (${uuidv7({ msecs: running.getTime() })}, 'demo.noop', ${running.toISOString()})`;

    const rows = await new WorkflowsPresenter(t.db, defaultRegistry, () => now).call();
    const noop = rows.find((r) => r.type === "demo.noop")!;
    expect(noop).toMatchObject({ successRate: 1, finished24h: 2 });
    expect(noop.lagP95Ms).toBeLessThan(90_000);

    const runs = noop.synthetic!.runs;
    expect(noop.synthetic!.everyMs).toBe(60_000);
    expect(runs).toHaveLength(SYNTHETIC_RUNS_SHOWN);
    expect(runs.at(-1)).toMatchObject({ outcome: null, visibleMs: null, startedAt: running });
    expect(runs.at(-2)).toMatchObject({ outcome: "passed", visibleMs: 200 + SYNTHETIC_RUNS_SHOWN + 4 });
    const times = runs.map((r) => r.startedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(runs.filter((r) => r.outcome === "failed")).toEqual(
      expect.arrayContaining([expect.objectContaining({ error: "the web did not answer", visibleMs: null })]),
    );
    // A type that does not opt in has no check.
    expect(rows.find((r) => r.type === "order.fulfill")!.synthetic).toBeNull();
  });
});
