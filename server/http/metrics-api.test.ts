import { createRequire } from "node:module";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { testServices } from "@/test/services";
import { metricsApi } from "./metrics-api";

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}
// The parser ships no types: its output is prom2json's shape.
const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (text: string) => Family[];

const BOOTSTRAP = "tl_bootstrap_metrics_test_key_0123456789";
let t: TestDatabase;
let services: Services;

const now = Date.now();
const minutesAgo = (m: number) => new Date(now - m * 60_000);

async function insertOp(o: {
  type: string;
  version?: number;
  status: string;
  acceptedAt: Date;
  completedAt?: Date;
  blockedKind?: string;
  synthetic?: boolean;
  steps?: { name: string; attempts: number; seconds: number }[];
}) {
  const id = uuidv7({ msecs: o.acceptedAt.getTime() });
  await t.db.$client`
    insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, synthetic,
      blocked_kind, blocked_reason, action_required, created_at, updated_at, completed_at)
    values (${id}, ${o.type}, ${o.version ?? 1}, ${o.status}, '{}', 'key:test', 'h', 't', ${o.synthetic ?? false},
      ${o.blockedKind ?? null}, ${o.blockedKind ? "r" : null}, ${o.blockedKind ? "a" : null},
      ${o.acceptedAt.toISOString()}, ${o.acceptedAt.toISOString()}, ${o.completedAt?.toISOString() ?? null})`;
  for (const [position, s] of (o.steps ?? []).entries()) {
    const started = o.acceptedAt;
    await t.db.$client`
      insert into steps (operation_id, position, name, status, attempts, started_at, finished_at)
      values (${id}, ${position}, ${s.name}, 'succeeded', ${s.attempts}, ${started.toISOString()},
        ${new Date(started.getTime() + s.seconds * 1000).toISOString()})`;
  }
  return id;
}

const scrape = (authorization?: string) =>
  metricsApi(
    services,
    new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }),
  );

function family(families: Family[], name: string): Family {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no series ${name}`);
  return f;
}
const samples = (f: Family, labels: Record<string, string>) =>
  f.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .map((m) => Number(m.value));

beforeAll(async () => {
  process.env.THROUGHLINE_BOOTSTRAP_API_KEY = BOOTSTRAP;
  t = await createTestDatabase();
  services = testServices(t);
  // order.fulfill: v1 two completed (2 s and 90 s) + one failed, v2 one processing (oldest 30 min)
  // and one blocked on a person (10 min); demo.noop: one accepted; and synthetic ones that must not count.
  await insertOp({
    type: "order.fulfill",
    status: "completed",
    acceptedAt: minutesAgo(20),
    completedAt: new Date(minutesAgo(20).getTime() + 2_000),
    steps: [
      { name: "reserve", attempts: 1, seconds: 1 },
      { name: "charge", attempts: 3, seconds: 4 },
    ],
  });
  await insertOp({
    type: "order.fulfill",
    status: "completed",
    acceptedAt: minutesAgo(15),
    completedAt: new Date(minutesAgo(15).getTime() + 90_000),
    steps: [
      { name: "reserve", attempts: 1, seconds: 3 },
      { name: "charge", attempts: 1, seconds: 2 },
    ],
  });
  await insertOp({ type: "order.fulfill", status: "failed", acceptedAt: minutesAgo(12) });
  await insertOp({ type: "order.fulfill", version: 2, status: "processing", acceptedAt: minutesAgo(30) });
  await insertOp({
    type: "order.fulfill",
    version: 2,
    status: "blocked",
    blockedKind: "retries_exhausted",
    acceptedAt: minutesAgo(10),
  });
  await insertOp({ type: "demo.noop", status: "accepted", acceptedAt: minutesAgo(1) });
  for (const status of ["completed", "processing", "blocked"])
    await insertOp({
      type: "order.fulfill",
      status,
      synthetic: true,
      acceptedAt: minutesAgo(120),
      completedAt: status === "completed" ? minutesAgo(60) : undefined,
      blockedKind: status === "blocked" ? "retries_exhausted" : undefined,
    });
  await t.db.$client`insert into alerts (id, rule, workflow_type, scope, summary, fired_at)
    values (${uuidv7()}, 'stuck', 'order.fulfill', '', 's', now())`;
  await t.db.$client`insert into synthetic_runs (id, workflow_type, started_at, accepted_ms, completed_ms,
      visible_ms, outcome, finished_at)
    values (${uuidv7()}, 'demo.noop', now() - interval '1 minute', 40, 900, 1200, 'passed', now())`;
});

afterAll(async () => {
  delete process.env.THROUGHLINE_BOOTSTRAP_API_KEY;
  await services.close();
  await t.drop();
});

describe("GET /api/metrics", () => {
  it("refuses without a key (401) and with a key lacking metrics:read (403), as problem details", async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const read = await createApiKey({
      db: t.db,
      name: "reader",
      scopes: ["operations:read", "operations:write"],
    });
    const refused = await scrape(`Bearer ${read.secret}`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ type: "/problems/forbidden", status: 403 });
    expect((await scrape("Bearer tl_not_a_key")).status).toBe(401);
  });

  it("answers a metrics-only key, which can do nothing else", async () => {
    const key = await createApiKey({ db: t.db, name: "scraper", scopes: ["metrics:read"] });
    const res = await scrape(`Bearer ${key.secret}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const { operationsApi } = await import("./operations-api");
    const list = await operationsApi(services).listOperations(
      new Request("http://localhost/api/v1/operations", {
        headers: { authorization: `Bearer ${key.secret}` },
      }),
    );
    expect(list.status).toBe(403);
  });

  it("exposes the business series read from the database, synthetic work left out", async () => {
    const res = await scrape(`Bearer ${BOOTSTRAP}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const families = parse(text);

    const started = family(families, "throughline_operations_started_total");
    expect(started.type).toBe("COUNTER");
    expect(samples(started, { type: "order.fulfill", version: "1" })).toEqual([3]);
    expect(samples(started, { type: "order.fulfill", version: "2" })).toEqual([2]);
    expect(samples(started, { type: "demo.noop", version: "1" })).toEqual([1]);
    expect(
      samples(family(families, "throughline_operations_completed_total"), {
        type: "order.fulfill",
        version: "1",
      }),
    ).toEqual([2]);
    expect(
      samples(family(families, "throughline_operations_failed_total"), {
        type: "order.fulfill",
        version: "1",
      }),
    ).toEqual([1]);
    expect(
      samples(family(families, "throughline_operations_failed_total"), {
        type: "order.fulfill",
        version: "2",
      }),
    ).toEqual([0]);

    const inStatus = family(families, "throughline_operations");
    expect(inStatus.type).toBe("GAUGE");
    expect(samples(inStatus, { type: "order.fulfill", status: "processing" })).toEqual([1]);
    expect(samples(inStatus, { type: "order.fulfill", status: "blocked" })).toEqual([1]);
    expect(samples(inStatus, { type: "order.fulfill", status: "accepted" })).toEqual([0]);
    expect(samples(inStatus, { type: "demo.noop", status: "accepted" })).toEqual([1]);

    const oldest = family(families, "throughline_operations_oldest_age_seconds");
    const processingAge = samples(oldest, { type: "order.fulfill", status: "processing" })[0]!;
    expect(processingAge).toBeGreaterThanOrEqual(30 * 60);
    expect(processingAge).toBeLessThan(119 * 60); // the synthetic one, two hours old, is not it
    expect(samples(oldest, { type: "order.fulfill", status: "completed" })).toEqual([]);

    expect(
      samples(family(families, "throughline_operations_blocked"), {
        type: "order.fulfill",
        kind: "retries_exhausted",
      }),
    ).toEqual([1]);

    const completion = family(families, "throughline_operation_completion_seconds");
    expect(completion.type).toBe("HISTOGRAM");
    // The parser keeps a labelled histogram's buckets but not its labels, sum and count: read those lines.
    const line = (series: string) =>
      Number(new RegExp(`^${series} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
    const bucket = (le: string) =>
      line(
        `throughline_operation_completion_seconds_bucket\\{type="order\\.fulfill",le="${le.replace("+", "\\+")}"\\}`,
      );
    expect(line(`throughline_operation_completion_seconds_count\\{type="order\\.fulfill"\\}`)).toBe(2);
    expect(line(`throughline_operation_completion_seconds_sum\\{type="order\\.fulfill"\\}`)).toBeCloseTo(
      92,
      3,
    );
    expect([bucket("1"), bucket("5"), bucket("60"), bucket("300"), bucket("+Inf")]).toEqual([0, 1, 1, 2, 2]);

    const attempts = family(families, "throughline_step_attempts");
    expect(samples(attempts, { type: "order.fulfill", step: "charge" })).toEqual([4]);
    expect(
      samples(family(families, "throughline_step_retries"), { type: "order.fulfill", step: "charge" }),
    ).toEqual([2]);
    const duration = family(families, "throughline_step_duration_seconds");
    expect(samples(duration, { type: "order.fulfill", step: "reserve", quantile: "0.5" })).toEqual([2]);

    expect(
      samples(family(families, "throughline_alerts_open"), {
        rule: "stuck",
        type: "order.fulfill",
        state: "firing",
      }),
    ).toEqual([1]);
    expect(
      samples(family(families, "throughline_synthetic_runs_total"), { type: "demo.noop", outcome: "passed" }),
    ).toEqual([1]);
    expect(
      samples(family(families, "throughline_synthetic_last_run_seconds"), {
        type: "demo.noop",
        phase: "visible",
      }),
    ).toEqual([1.2]);
    // Series that exist with no rows yet still announce themselves.
    expect(family(families, "throughline_webhook_deliveries").metrics).toEqual([]);
    family(families, "throughline_queue_jobs");

    // This process's own series, and never an operation id as a label anywhere.
    family(families, "nodejs_eventloop_lag_seconds");
    family(families, "nodejs_heap_size_used_bytes");
    family(families, "nodejs_gc_duration_seconds");
    for (const f of families)
      for (const m of f.metrics) expect(Object.keys(m.labels ?? {})).not.toContain("operation_id");
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  });
});
