import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { ALERT_TICK_MS, evaluateAlerts } from "./evaluate";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const base = Date.parse("2026-06-01T12:00:00Z");
let tickNo = 0;
/** Each evaluation of a test is its own tick, a tick after the one before. */
const nextNow = () => new Date(base + ++tickNo * ALERT_TICK_MS);
const evaluate = (now = nextNow()) => evaluateAlerts({ db: t.db, registry: defaultRegistry, now });

interface Op {
  type: string;
  status: "accepted" | "processing" | "blocked" | "failed" | "completed";
  acceptedAt: Date;
  updatedAt?: Date;
  completedAt?: Date;
  blockedKind?: string;
  synthetic?: boolean;
}

async function insertOp(o: Op): Promise<string> {
  const id = uuidv7({ msecs: o.acceptedAt.getTime() });
  await t.db.$client`
    insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, synthetic,
      blocked_kind, created_at, updated_at, completed_at)
    values (${id}, ${o.type}, 1, ${o.status}, '{}', 'key:test', 'h', 't', ${o.synthetic ?? false},
      ${o.blockedKind ?? null}, ${o.acceptedAt.toISOString()}, ${(o.updatedAt ?? o.acceptedAt).toISOString()},
      ${o.completedAt?.toISOString() ?? null})`;
  return id;
}

async function openAlert(rule: string, type: string, scope = "") {
  const [row] = await t.db.$client<{ id: string; affected_count: number; sample: string[]; state: string }[]>`
    select id, affected_count, sample, state from alerts
    where rule = ${rule} and workflow_type = ${type} and scope = ${scope} and resolved_at is null`;
  return row;
}

async function history(id: string) {
  return (
    await t.db.$client<{ kind: string }[]>`select kind from alert_history where alert_id = ${id} order by id`
  ).map((r) => r.kind);
}

// The rules run over every type at once; a live worker is announced so no_workers stays quiet
// until its own test.
async function workerAlive(at: Date) {
  await t.db
    .$client`insert into workers (id, host, pid, last_seen_at) values ('w1', 'h', 1, ${at.toISOString()})
    on conflict (id) do update set last_seen_at = excluded.last_seen_at, stopped_at = null`;
}

describe("evaluateAlerts", () => {
  it("stuck: fires for an operation idle past stuckAfterMs (not for a synthetic one), resolves when it moves", async () => {
    const now = nextNow();
    await workerAlive(now);
    const old = new Date(now.getTime() - 5 * 60_000);
    const id = await insertOp({ type: "demo.noop", status: "processing", acceptedAt: old });
    await insertOp({ type: "demo.noop", status: "processing", acceptedAt: old, synthetic: true });
    const r = await evaluate(now);
    expect(r).toMatchObject({ ran: true });
    const alert = await openAlert("stuck", "demo.noop");
    expect(alert).toMatchObject({ affected_count: 1, sample: [id], state: "firing" });

    const later = nextNow();
    await workerAlive(later);
    await t.db.$client`update operations set updated_at = ${later.toISOString()} where id = ${id}`;
    await evaluate(later);
    expect(await openAlert("stuck", "demo.noop")).toBeUndefined();
    expect(await history(alert!.id)).toEqual(["fired", "resolved"]);
    await t.db.$client`update operations set status = 'completed', completed_at = updated_at`;
  });

  it("retries exhausted fires at once and resolves when the operation is resumed", async () => {
    const now = nextNow();
    await workerAlive(now);
    const id = await insertOp({
      type: "order.fulfill",
      status: "blocked",
      blockedKind: "retries_exhausted",
      acceptedAt: new Date(now.getTime() - 1000),
    });
    await evaluate(now);
    expect(await openAlert("retries_exhausted", "order.fulfill")).toMatchObject({
      affected_count: 1,
      sample: [id],
    });
    // No second alert for the same key while one is open.
    await evaluate();
    const [row] = await t.db.$client<{ n: number }[]>`
      select count(*)::int as n from alerts where rule = 'retries_exhausted'`;
    expect(row?.n).toBe(1);
    await t.db
      .$client`update operations set status = 'completed', blocked_kind = null, completed_at = ${now.toISOString()}
      where id = ${id}`;
    const later = nextNow();
    await workerAlive(later);
    await evaluate(later);
    expect(await openAlert("retries_exhausted", "order.fulfill")).toBeUndefined();
  });

  it("blocked backlog fires per block kind when blocked longer than the threshold", async () => {
    const now = nextNow();
    await workerAlive(now);
    const id = await insertOp({
      type: "account.verify",
      status: "blocked",
      blockedKind: "awaiting_person",
      acceptedAt: new Date(now.getTime() - 3 * 3_600_000),
    });
    await evaluate(now);
    expect(await openAlert("blocked_backlog", "account.verify", "awaiting_person")).toMatchObject({
      sample: [id],
    });
    await t.db
      .$client`update operations set status = 'failed', blocked_kind = null, completed_at = ${new Date(base).toISOString()}
      where id = ${id}`;
    const later = nextNow();
    await workerAlive(later);
    await evaluate(later);
    expect(await openAlert("blocked_backlog", "account.verify", "awaiting_person")).toBeUndefined();
  });

  it("completion lag fires when p95 accepted → completed passes the objective, and failure rate over its threshold", async () => {
    const now = nextNow();
    await workerAlive(now);
    for (let i = 0; i < 5; i++) {
      const acceptedAt = new Date(now.getTime() - 60_000 - i * 1000);
      // demo.noop's objective is 1 s: these took 30 s.
      await insertOp({
        type: "demo.noop",
        status: "completed",
        acceptedAt,
        completedAt: new Date(acceptedAt.getTime() + 30_000),
      });
      await insertOp({
        type: "report.export",
        status: "failed",
        acceptedAt,
        completedAt: new Date(acceptedAt.getTime() + 1000),
      });
    }
    await evaluate(now);
    // Earlier tests' demo.noop operations finished slowly in the same window too.
    expect((await openAlert("completion_lag", "demo.noop"))?.affected_count).toBeGreaterThanOrEqual(5);
    expect(await openAlert("failure_rate", "report.export")).toMatchObject({ affected_count: 5 });
    // Outside the 15-minute window both clear.
    const later = new Date(now.getTime() + 20 * 60_000);
    tickNo += 200;
    await workerAlive(later);
    await evaluate(later);
    expect(await openAlert("completion_lag", "demo.noop")).toBeUndefined();
    expect(await openAlert("failure_rate", "report.export")).toBeUndefined();
  });

  it("no workers: fires while work waits and no worker was seen, resolves when one heartbeats", async () => {
    const now = new Date(base + ++tickNo * ALERT_TICK_MS + 20 * 60_000);
    await t.db.$client`update workers set last_seen_at = ${new Date(now.getTime() - 60_000).toISOString()}`;
    const id = await insertOp({ type: "demo.noop", status: "accepted", acceptedAt: now });
    await evaluate(now);
    expect(await openAlert("no_workers", "*")).toMatchObject({ state: "firing" });
    const later = new Date(now.getTime() + ALERT_TICK_MS);
    await workerAlive(later);
    await evaluate(later);
    expect(await openAlert("no_workers", "*")).toBeUndefined();
    await t.db
      .$client`update operations set status = 'completed', completed_at = ${now.toISOString()} where id = ${id}`;
    tickNo += 100;
  });

  it("synthetic check: a failed run fires, the next passing one resolves", async () => {
    const now = new Date(base + ++tickNo * ALERT_TICK_MS + 20 * 60_000);
    await workerAlive(now);
    await t.db.$client`insert into synthetic_runs (id, workflow_type, started_at, outcome, error, finished_at)
      values (${uuidv7()}, 'demo.noop', ${new Date(now.getTime() - 5000).toISOString()}, 'failed', 'HTTP 500', ${now.toISOString()})`;
    await evaluate(now);
    expect(await openAlert("synthetic_check", "demo.noop")).toMatchObject({ state: "firing" });
    const later = new Date(now.getTime() + ALERT_TICK_MS);
    await workerAlive(later);
    await t.db
      .$client`insert into synthetic_runs (id, workflow_type, started_at, completed_ms, outcome, finished_at)
      values (${uuidv7()}, 'demo.noop', ${later.toISOString()}, 200, 'passed', ${later.toISOString()})`;
    await evaluate(later);
    expect(await openAlert("synthetic_check", "demo.noop")).toBeUndefined();
    tickNo += 10;
  });

  it("two evaluators at the same tick: exactly one evaluates", async () => {
    const now = new Date(base + ++tickNo * ALERT_TICK_MS + 20 * 60_000);
    const results = await Promise.all([
      evaluateAlerts({ db: t.db, registry: defaultRegistry, now, evaluator: "a" }),
      evaluateAlerts({ db: t.db, registry: defaultRegistry, now, evaluator: "b" }),
      evaluateAlerts({ db: t.db, registry: defaultRegistry, now, evaluator: "c" }),
    ]);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    const tick = results.find((r) => r.ran);
    const rows = await t.db
      .$client`select * from alert_evaluations where tick = ${tick?.ran ? tick.tick : ""}`;
    expect(rows).toHaveLength(1);
  });

  it("one open alert per key is a constraint", async () => {
    const insert = () => t.db.$client`insert into alerts (id, rule, workflow_type, scope, summary, fired_at)
      values (${uuidv7()}, 'stuck', 'x.y', '', 's', now())`;
    await insert();
    await expect(insert()).rejects.toThrow(/alerts_open_key_uq/);
  });
});
