import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTrackToken } from "@/server/auth/track-token";
import { NeedsPersonError } from "@/server/workflows/kit/errors";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow, type StepDefinition } from "@/server/workflows/kit/types";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { MIN_REMAINING_MS, MIN_STEP_SAMPLES } from "./eta";
import { TrackPresenter } from "./track-presenter";

/**
 * The track page's estimate from real timings: a workflow whose steps really take time runs on
 * real workers; the estimate at each stage of a later operation is what those runs measured
 * (p50/p90 of each remaining step, read back from the step rows), it shrinks as steps finish,
 * and there is none with too little history or while the operation waits on a person.
 */
const SLEEP_MS = { a: 300, b: 500, c: 400 } as const;
type StepName = keyof typeof SLEEP_MS;
const NAMES = Object.keys(SLEEP_MS) as StepName[];

/** Steps of a gated operation wait here until the test lets them go. */
const gates = new Map<string, () => void>();
const gateKey = (op: string, step: string) => `${op}:${step}`;
function gate(op: string, step: string): Promise<void> {
  return new Promise((resolve) => gates.set(gateKey(op, step), resolve));
}
async function release(op: string, step: StepName): Promise<void> {
  const open = await eventually(() => {
    const g = gates.get(gateKey(op, step));
    if (!g) throw new Error(`step ${step} of ${op} is not waiting yet`);
    return g;
  });
  gates.delete(gateKey(op, step));
  open();
}

const input = z.object({ gated: z.boolean().default(false), blockAt: z.string().optional() });
const step = (name: StepName): StepDefinition<z.output<typeof input>> => ({
  name,
  title: `Step ${name}`,
  userText: `Doing ${name}`,
  userWaitText: `Our team is checking ${name}; you don't need to do anything.`,
  effect: {
    description: "Sleeps for a known time (after its gate, when gated).",
    async run({ operationId, input: i }) {
      if (i.blockAt === name)
        throw new NeedsPersonError("needs a look", { kind: "awaiting_person", actionRequired: "Look." });
      if (i.gated) await gate(operationId, name);
      await new Promise((r) => setTimeout(r, SLEEP_MS[name]));
      return { ok: true };
    },
  },
  compensation: { none: "Changes nothing." },
  retry: { maxAttempts: 1, initialDelayMs: 10, backoff: 1, maxDelayMs: 10 },
  timeoutMs: 30_000,
});
const etaWorkflow = defineWorkflow({
  type: "test.eta",
  version: 1,
  title: "ETA probe",
  description: "Three steps of known length.",
  input,
  exampleInput: {},
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 10_000 },
  stuckAfterMs: 60_000,
  runbook: "Test only.",
  steps: NAMES.map(step),
});
const registry = new WorkflowRegistry([etaWorkflow]);

let t: TestDatabase;
let h: EngineHarness;
beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

/** Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** What the runs so far measured, read independently of the presenter: each step's spans. */
async function measured(): Promise<Record<string, { p50: number; p90: number; n: number }>> {
  const rows = await t.db.$client<
    {
      op: string;
      name: string;
      position: number;
      finishedAt: string | null;
      createdAt: string;
      status: string;
    }[]
  >`
    select s.operation_id as op, s.name, s.position, s.finished_at::text as "finishedAt",
      o.created_at::text as "createdAt", s.status
    from steps s join operations o on o.id = s.operation_id order by s.operation_id, s.position`;
  const spans: Record<string, number[]> = {};
  let last = { op: "", at: 0 };
  for (const r of rows) {
    if (r.op !== last.op) last = { op: r.op, at: Date.parse(r.createdAt) };
    if (r.status !== "succeeded" || !r.finishedAt) continue;
    const at = Date.parse(r.finishedAt);
    spans[r.name] = [...(spans[r.name] ?? []), at - last.at];
    last = { op: r.op, at };
  }
  return Object.fromEntries(
    Object.entries(spans).map(([name, v]) => [
      name,
      { p50: percentile(v, 0.5), p90: percentile(v, 0.9), n: v.length },
    ]),
  );
}

/** The track page's answer for `op` at `now` (a fresh presenter: nothing cached from before). */
async function trackAt(op: string, now: Date) {
  const result = await new TrackPresenter(t.db, registry, () => now).call(createTrackToken(op));
  if (result.type !== "ok") throw new Error(`track refused: ${result.type}`);
  return result.view;
}

/** When the operation's current step began: the last finish before it, or acceptance. */
async function currentStepBegan(op: string): Promise<Date> {
  const [row] = await t.db.$client<{ at: string }[]>`
    select greatest(o.created_at, max(s.finished_at))::text as at
    from operations o left join steps s on s.operation_id = o.id where o.id = ${op} group by o.created_at`;
  return new Date(row!.at);
}

async function waitRunning(op: string, name: StepName): Promise<void> {
  await eventually(async () => {
    const steps = await h.steps(op);
    if (steps.find((s) => s.name === name)?.status !== "running") throw new Error(`${name} not running yet`);
    if (!gates.has(gateKey(op, name))) throw new Error(`${name} not at its gate yet`);
  });
}

describe("the track page's estimate, from real step timings", () => {
  it("says 'we'll update you' without history, then narrows stage by stage from what was measured", async () => {
    // No history of the type yet: no number.
    const first = await h.start("test.eta", { gated: true });
    await waitRunning(first, "a");
    expect((await trackAt(first, new Date())).estimate).toEqual({
      kind: "update_later",
      reason: "little_history",
    });
    for (const name of NAMES) await release(first, name);
    await h.waitFor(first, ["completed"]);

    // History: a few runs, at once, on the real worker.
    const runs = await Promise.all(Array.from({ length: MIN_STEP_SAMPLES }, () => h.start("test.eta", {})));
    await Promise.all(runs.map((id) => h.waitFor(id, ["completed"], 30_000)));

    const op = await h.start("test.eta", { gated: true });
    const seen: { lowMs: number; highMs: number }[] = [];
    for (const [i, name] of NAMES.entries()) {
      await waitRunning(op, name);
      const began = await currentStepBegan(op);
      const m = await measured();
      const rest = NAMES.slice(i);
      for (const s of rest) expect(m[s]!.n).toBeGreaterThanOrEqual(MIN_STEP_SAMPLES);
      const low = Math.max(
        MIN_REMAINING_MS,
        rest.reduce((sum, s) => sum + m[s]!.p50, 0),
      );
      const high = Math.max(
        low,
        rest.reduce((sum, s) => sum + m[s]!.p90, 0),
      );
      // Asked the moment the step began: exactly the remaining steps' measured p50 and p90.
      const view = await trackAt(op, began);
      expect(view.estimate?.kind).toBe("remaining");
      const e = view.estimate as { lowMs: number; highMs: number };
      expect(e.lowMs).toBeCloseTo(low, -1);
      expect(e.highMs).toBeCloseTo(high, -1);
      // The steps really took their time: the estimate is not a constant.
      expect(e.lowMs).toBeGreaterThanOrEqual(Math.min(...rest.map((s) => SLEEP_MS[s])));
      seen.push(e);
      // Later in the same step, less is left; past the step's usual p90, no number at all.
      const later = await trackAt(op, new Date(began.getTime() + m[name]!.p50 / 2));
      expect((later.estimate as { highMs: number }).highMs).toBeLessThan(e.highMs);
      const late = await trackAt(op, new Date(began.getTime() + m[name]!.p90 + 1_000));
      expect(late.estimate).toEqual({ kind: "update_later", reason: "running_late" });
      await release(op, name);
    }
    // It narrows as steps finish.
    expect(seen[1]!.highMs).toBeLessThan(seen[0]!.highMs);
    expect(seen[2]!.highMs).toBeLessThan(seen[1]!.highMs);
    await h.waitFor(op, ["completed"]);
    expect((await trackAt(op, new Date())).estimate).toBeNull();
  });

  it("gives no number while the operation waits on a person, and says who is on it", async () => {
    const op = await h.start("test.eta", { blockAt: "b" });
    await h.waitFor(op, ["blocked"]);
    const view = await trackAt(op, new Date());
    expect(view.estimate).toEqual({ kind: "update_later", reason: "waiting" });
    expect(view.state).toBe("on_hold");
    expect(view.headline).toBe("Our team is checking b; you don't need to do anything.");
    expect(view.actionNeeded).toBeNull();
  });

  it("gives no number while a step waits on an outside system's answer", async () => {
    const op = await h.start("test.eta", { gated: true });
    await waitRunning(op, "a");
    const began = await currentStepBegan(op);
    expect((await trackAt(op, began)).estimate?.kind).toBe("remaining");
    await t.db.$client`insert into waits (id, operation_id, step, kind, target)
      values (gen_random_uuid(), ${op}, 'a', 'acknowledgment', 'carrier')`;
    expect((await trackAt(op, began)).estimate).toEqual({ kind: "update_later", reason: "waiting" });
    for (const name of NAMES) await release(op, name);
    await h.waitFor(op, ["completed"]);
  });
});
