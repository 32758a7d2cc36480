import postgres from "postgres";
import { createDb } from "@/db/client";
import { createApiKey } from "@/server/auth/api-keys";
import { ensureQueues } from "@/server/engine/queue";
import { RunQueue } from "@/server/engine/run-queue";
import { createServices } from "@/server/services";
import { type BenchFigure, figuresOf } from "./figures";
import { benchSeconds, closedLoop, percentile, startWeb, stopWeb } from "./lib";
import { listenerPid, peakRss } from "./memory";

const CONCURRENCY = 16;
const HTTP_PORT = 3299;

const order = (i: number) => ({
  type: "order.fulfill",
  input: {
    orderId: `ord_${i}`,
    customerEmail: "bench@example.com",
    items: [{ sku: "A", quantity: 1 }],
    amountCents: 100,
  },
  subject: "bench@example.com",
  reference: `ord_${i}`,
});

/**
 * Intake throughput against the raw commit ceiling, all on one database in one run:
 * (1) postgres.js `BEGIN; INSERT one row; COMMIT`, (2) the intake domain function,
 * (3) POST /api/v1/operations through the production web server — each with 16 clients.
 */
export async function benchIntake(options: { url: string }): Promise<BenchFigure[]> {
  const seconds = benchSeconds(20);
  const { figures, add } = figuresOf("intake");
  const row = (
    label: string,
    r: { perSecond: number; latencies: number[] },
    raw: number,
    target?: string,
  ) => {
    add(`${label}, ${CONCURRENCY} clients`, r.perSecond, "ops/s", { target, ratioToRaw: r.perSecond / raw });
    add(`${label} p50`, percentile(r.latencies, 50), "ms");
    add(`${label} p99`, percentile(r.latencies, 99), "ms", target ? { target: "< 50" } : {});
  };

  const raw = postgres(options.url, { max: CONCURRENCY, onnotice: () => {} });
  await raw`create table if not exists bench_baseline (id bigserial primary key, payload text not null)`;
  const baseline = await closedLoop({
    concurrency: CONCURRENCY,
    seconds,
    task: () => raw.begin((tx) => tx`insert into bench_baseline (payload) values ('x')`),
  });
  await raw.end();
  row("raw BEGIN; INSERT; COMMIT", baseline, baseline.perSecond);

  const db = createDb(options.url, { max: CONCURRENCY });
  // The real path: each intake batch also writes its pg-boss start jobs in the same commit.
  await ensureQueues(options.url);
  const runs = new RunQueue({ db });
  const services = createServices({ db, runs });
  const domain = await closedLoop({
    concurrency: CONCURRENCY,
    seconds,
    task: (w, i) =>
      services.intake.call({
        request: order(w * 1e7 + i),
        caller: "key:bench",
        idempotencyKey: `d-${w}-${i}`,
      }),
  });
  row("intake, domain function", domain, baseline.perSecond);

  const key = (await createApiKey({ db, name: "bench", scopes: ["operations:write", "operations:read"] }))
    .secret;
  await runs.close();
  await db.$client.end();
  if (process.env.BENCH_INTAKE_HTTP === "0") return figures;
  const web = await startWeb({ url: options.url, port: HTTP_PORT });
  try {
    const { result: http, peakMb } = await peakRss(
      [listenerPid(HTTP_PORT)],
      closedLoop({
        concurrency: CONCURRENCY,
        seconds,
        task: async (w, i) => {
          const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/operations`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${key}`,
              "content-type": "application/json",
              "idempotency-key": `h-${w}-${i}`,
            },
            body: JSON.stringify(order(5e8 + w * 1e7 + i)),
          });
          if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
          await res.arrayBuffer();
        },
      }),
    );
    row("intake, POST /api/v1/operations", http, baseline.perSecond, "≥ 0.5 of raw");
    add("web process RSS, peak during the POST run (web alone)", peakMb[0]!, "MB", { target: "≤ 400" });
  } finally {
    await stopWeb(web);
  }

  return figures;
}
