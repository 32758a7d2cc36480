import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { ran, timerWorkflow } from "@/test/engine/timer-workflow";
import { eventually } from "@/test/eventually";
import { Sweeper } from "./sweeper";

const registry = new WorkflowRegistry([timerWorkflow("test.sweep_timer", { first: true })]);
const STALE_MS = 60_000;
let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

/** The operation's open timer, once its transaction committed. */
const scheduled = (id: string) =>
  eventually(async () => {
    const [row] = await t.db.$client<{ id: string }[]>`
      select id from waits where operation_id = ${id} and kind = 'timer' and state = 'waiting'`;
    if (!row) throw new Error("no timer yet");
    return row;
  });

/** Recovery jobs the sweeper wrote for an operation. */
const recoverJobs = async (id: string) => {
  const [row] = await t.db.$client<{ n: number }[]>`
    select count(*)::int as n from pgboss.job
    where name = 'throughline_run' and data->>'operationId' = ${id} and data->>'reason' = 'recover'`;
  return row?.n ?? 0;
};

/** Called by hand, with no worker running: nothing else sweeps meanwhile. */
const sweeper = () =>
  new Sweeper({
    db: t.db,
    owner: "test-sweeper",
    sweepMs: 60_000,
    deadSweepMs: 60_000,
    requeueAfterMs: 60_000,
    orphanSweepMs: 60_000,
    staleAfterMs: STALE_MS,
    runs: h.runs,
    log: () => {},
  });

describe("the orphan sweep and durable timers", () => {
  it("leaves a step scheduled for later alone, and recovers one whose timer job was lost after it was due", async () => {
    const worker = await h.startWorker();
    const waiting = await h.start("test.sweep_timer", { delayMs: 3_600_000 });
    const lost = await h.start("test.sweep_timer", { delayMs: 3_600_000 });
    const late = await h.start("test.sweep_timer", { delayMs: 3_600_000 });
    await scheduled(waiting);
    const lostTimer = await scheduled(lost);
    const lateTimer = await scheduled(late);
    await worker.stop();

    // Both went without an event for longer than the stale threshold (scheduled long ago).
    await t.db.$client`update operations set updated_at = now() - interval '10 minutes'
      where id in ${t.db.$client([waiting, lost, late])}`;
    // `lost`: its due time passed well over the threshold ago and its timer job is gone
    // (dead-lettered, deleted): nothing but the sweeper will ever run it.
    await t.db.$client`update waits set wake_at = now() - interval '5 minutes' where id = ${lostTimer.id}`;
    await t.db
      .$client`delete from pgboss.job where name = 'throughline_run' and data->>'operationId' = ${lost}`;
    // `late`: due a moment ago, its job not picked up yet; within the threshold after the due
    // time it is the timer job's to run, not a recovery's.
    await t.db.$client`update waits set wake_at = now() - interval '10 seconds' where id = ${lateTimer.id}`;

    const swept = await sweeper().sweepOrphans();
    // Positive control first: the sweep ran and found the operation it must recover.
    expect(swept).toContain(lost);
    expect(await recoverJobs(lost)).toBe(1);
    // Before its due time a scheduled step is not stalled: no recovery job for it.
    expect(swept).not.toContain(waiting);
    expect(await recoverJobs(waiting)).toBe(0);
    expect(swept).not.toContain(late);
    expect(await recoverJobs(late)).toBe(0);

    // The recovery runs the lost one's step (its timer is due, so the clock fires it).
    await h.startWorker();
    await h.waitFor(lost, ["completed"]);
    expect(ran.has(`${lost}:later`)).toBe(true);
    const [still] = await t.db.$client`select status from operations where id = ${waiting}`;
    expect(still?.status).toBe("processing");
    expect(ran.has(`${waiting}:later`)).toBe(false);
  });
});
