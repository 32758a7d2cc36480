import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow, type Recheck } from "@/server/workflows/kit/types";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";

/**
 * A block that re-checks by itself (precondition.recheck): it resumes on its own schedule
 * when the check passes — even when the worker that blocked it is gone and a new one runs the
 * scheduled job — and hands over to a person at its deadline, after which nothing re-checks.
 */
const open = new Set<string>();
const checks = new Map<string, number>();
const HAND_OVER = "Open the gate by hand, then resume.";

function gated(type: string, recheck: Recheck) {
  return defineWorkflow({
    type,
    version: 1,
    title: "Re-checked gate (test)",
    description: "Blocks until the test opens the gate; checks again by itself.",
    input: z.object({}),
    exampleInput: {},
    completion: { mode: "staged" },
    text: { accepted: "Received", completed: "Done", failed: "Failed" },
    objective: { p95Ms: 60_000 },
    stuckAfterMs: 3_600_000,
    runbook: "Nothing to do: it checks again by itself.",
    steps: [
      {
        name: "gate",
        title: "Gate",
        userText: "Waiting",
        precondition: {
          description: "The gate is open.",
          recheck,
          check: async ({ operationId }) => {
            checks.set(operationId, (checks.get(operationId) ?? 0) + 1);
            if (open.has(operationId)) return { ok: true };
            return {
              ok: false,
              outcome: "block",
              kind: "precondition_failed",
              reason: "The gate is closed.",
              actionRequired: "Open the gate.",
              recheck: true,
            };
          },
        },
        effect: { description: "Passes.", run: async () => ({ passed: true }) },
        compensation: { none: "Nothing to undo." },
        retry: { maxAttempts: 1, initialDelayMs: 0, backoff: 1, maxDelayMs: 0 },
        timeoutMs: 5_000,
      },
    ],
  });
}

// Slow schedule: only the scheduled job (not a signal) can resume it, after the worker restart.
const SLOW = "test.recheck_slow";
// Fast schedule and a short deadline: hands over to a person while the gate stays shut.
const SHORT = "test.recheck_short";
const registry = new WorkflowRegistry([
  gated(SLOW, { everyMs: [1_500], handOverAfterMs: 3_600_000, handOverAction: HAND_OVER }),
  gated(SHORT, { everyMs: [100, 200], handOverAfterMs: 1_000, handOverAction: HAND_OVER }),
]);

let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

async function blockOf(id: string) {
  const [row] = await t.db.$client<{ status: string; action_required: string | null }[]>`
    select status, action_required from operations where id = ${id}`;
  return row!;
}

describe("a precondition block that re-checks by itself", () => {
  it("resumes on its schedule after the worker that blocked it stopped (the job is durable)", async () => {
    const first = await h.startWorker();
    const id = await h.start(SLOW, {});
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    expect((await blockOf(id)).action_required).toMatch(/^Nothing yet: this is checked again by itself/);
    await first.stop();
    open.add(id);
    // A new worker (a restart): only the delayed recheck job written with the block can resume it.
    await h.startWorker();
    expect(await h.waitFor(id)).toBe("completed");
    const types = (await h.events(id)).map((e) => `${e.type}${e.data?.recheck === true ? "(recheck)" : ""}`);
    expect(types).toContain("resumed(recheck)");
    expect(await t.db.$client`select count(*)::int as n from audit_records`).toEqual([{ n: 0 }]);
  });

  it("hands over to a person at its deadline, and then stops checking", async () => {
    const id = await h.start(SHORT, {});
    await eventually(async () => {
      const row = await blockOf(id);
      if (row.action_required !== HAND_OVER) throw new Error(`action is still ${row.action_required}`);
    });
    expect((await blockOf(id)).status).toBe("blocked");
    const handed = (await h.events(id)).filter((e) => e.type === "blocked" && e.data?.handedOver);
    expect(handed).toHaveLength(1);
    // It was checked again several times before the hand-over…
    expect(checks.get(id)).toBeGreaterThan(2);
    // …and no re-check is left waiting after it (the hand-over's own job finishes first).
    await eventually(async () => {
      const [row] = await t.db.$client<{ n: number }[]>`
        select count(*)::int as n from pgboss.job
        where data->>'operationId' = ${id} and data->>'reason' = 'recheck'
          and state in ('created', 'retry', 'active')`;
      if (row!.n !== 0) throw new Error(`${row!.n} re-check job(s) still waiting`);
    });
    expect((await blockOf(id)).action_required).toBe(HAND_OVER);
  });
});
