import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "@/server/services";
import { type ApiServer, startApiServer } from "@/test/api-server";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { testServices } from "@/test/services";
import type { SyntheticCheckResult } from "./run";
import { syntheticWorkWith } from "./work";

/**
 * The worker's synthetic loop with two workers over one database: each slot both try, exactly
 * one runs the check (tick lock + the slot's run row), the other finds it done or claimed;
 * stopping leaves no unfinished run behind.
 */
const SLOT_MS = 1_500;

let t: TestDatabase;
let services: Services;
let api: ApiServer;
let h: EngineHarness;
const results: { worker: number; result: SyntheticCheckResult }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  api = await startApiServer(services);
  h = await engineHarness({ db: t.db, url: t.url });
  await t.db.$client`insert into alert_rule_overrides (rule, workflow_type, threshold, reason, updated_by)
    values ('synthetic_check', 'demo.noop', 3600000, 'test: no budget', 'test')`;
  for (const worker of [1, 2]) {
    await h.startWorker({
      companions: [
        syntheticWorkWith({
          baseUrl: api.baseUrl,
          enabled: true,
          everyMs: SLOT_MS,
          deps: { pollMs: 25 },
          onRun: (result) => results.push({ worker, result }),
        }),
      ],
    });
  }
});
afterAll(async () => {
  await h?.close();
  await api?.close();
  await services?.close();
  await t?.drop();
});

describe("syntheticWork", () => {
  it("runs each slot's check once across two workers, and stopping leaves nothing in flight", async () => {
    await eventually(
      () => {
        const ran = results.filter((r) => r.result.ran);
        if (ran.length < 3) throw new Error(`${ran.length} runs so far`);
      },
      { timeoutMs: 25_000 },
    );
    const rows = await t.db.$client<
      { startedAt: string; outcome: string | null; visibleMs: number | null }[]
    >`
      select started_at as "startedAt", outcome, visible_ms as "visibleMs" from synthetic_runs
      where finished_at is not null order by started_at`;
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(r).toMatchObject({ outcome: "passed", visibleMs: expect.any(Number) });
    const slots = rows.map((r) => Math.floor(Date.parse(r.startedAt) / SLOT_MS));
    expect(new Set(slots).size).toBe(slots.length);
    // The other worker tried too and stood back.
    expect(
      results.some((r) => !r.result.ran && ["done", "locked", "in_flight"].includes(r.result.reason)),
    ).toBe(true);

    await h.close();
    const [left] = await t.db.$client<{ n: number }[]>`
      select count(*)::int as n from synthetic_runs where finished_at is null`;
    expect(left!.n).toBe(0);
    const ops = await t.db.$client<{ synthetic: boolean }[]>`select synthetic from operations`;
    expect(ops.length).toBeGreaterThanOrEqual(3);
    expect(ops.every((o) => o.synthetic)).toBe(true);
  });
});
