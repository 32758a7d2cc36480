import postgres from "postgres";
import { createDb } from "@/db/client";
import { createApiKey } from "@/server/auth/api-keys";
import { ensureQueues } from "@/server/engine/queue";
import { RunQueue } from "@/server/engine/run-queue";
import { createServices } from "@/server/services";
import { benchSeconds, closedLoop, fmt, percentile, printTable, startWeb, stopWeb } from "./lib";

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
export async function benchIntake(options: { url: string }) {
  const seconds = benchSeconds(20);
  const rows: (string | number)[][] = [];

  const raw = postgres(options.url, { max: CONCURRENCY, onnotice: () => {} });
  await raw`create table if not exists bench_baseline (id bigserial primary key, payload text not null)`;
  const baseline = await closedLoop({
    concurrency: CONCURRENCY,
    seconds,
    task: () => raw.begin((tx) => tx`insert into bench_baseline (payload) values ('x')`),
  });
  await raw.end();
  rows.push(row("raw BEGIN; INSERT; COMMIT", baseline, baseline.perSecond));

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
  rows.push(row("intake, domain function", domain, baseline.perSecond));

  const key = (await createApiKey({ db, name: "bench", scopes: ["operations:write", "operations:read"] }))
    .secret;
  await runs.close();
  await db.$client.end();
  if (process.env.BENCH_INTAKE_HTTP === "0") return printIntake(rows, seconds);
  const web = await startWeb({ url: options.url, port: HTTP_PORT });
  try {
    const http = await closedLoop({
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
    });
    rows.push(row("intake, POST /api/v1/operations", http, baseline.perSecond));
  } finally {
    await stopWeb(web);
  }

  printIntake(rows, seconds);
}

function printIntake(rows: (string | number)[][], seconds: number) {
  printTable(
    `Intake, ${CONCURRENCY} concurrent clients, ${seconds} s each`,
    ["what", "ops/s", "ratio to raw", "p50 ms", "p99 ms"],
    rows,
  );
}

function row(label: string, r: { perSecond: number; latencies: number[] }, baseline: number) {
  return [
    label,
    fmt(r.perSecond, 0),
    fmt(r.perSecond / baseline, 2),
    fmt(percentile(r.latencies, 50), 2),
    fmt(percentile(r.latencies, 99), 2),
  ];
}
