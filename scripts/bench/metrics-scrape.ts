import type { Db } from "@/db/client";
import { createApiKey } from "@/server/auth/api-keys";
import { BUSINESS_METRICS_TTL_MS } from "@/server/telemetry/business-metrics-presenter";
import type { figuresOf } from "./figures";
import { percentile } from "./lib";

const SCRAPES = Number(process.env.BENCH_METRICS_SCRAPES ?? 8);

/**
 * `GET /api/metrics` over HTTP against the console bench's web and its 1,000,000 operations, as
 * Prometheus scrapes it (a metrics-only key). A scraper comes every 15–60 s, longer than the
 * business read's cache (BUSINESS_METRICS_TTL_MS), so every timed scrape waits the cache out and
 * pays the whole read from PostgreSQL; one more right after shows what a scrape sharing it costs.
 */
export async function benchMetricsScrape(
  db: Db,
  options: { port: number; total: number },
  add: ReturnType<typeof figuresOf>["add"],
): Promise<void> {
  const key = (await createApiKey({ db, name: "bench-scraper", scopes: ["metrics:read"] })).secret;
  const scrape = async () => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${options.port}/api/metrics`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`GET /api/metrics answered ${res.status}: ${body.slice(0, 200)}`);
    return { ms, body };
  };
  const wait = () => new Promise((r) => setTimeout(r, BUSINESS_METRICS_TTL_MS + 250));
  await scrape(); // the route's first request also compiles its code paths
  const cold: number[] = [];
  let body = "";
  for (let i = 0; i < SCRAPES; i++) {
    await wait();
    ({ ms: cold[i], body } = await scrape());
  }
  const cached = (await scrape()).ms;
  const at = `${options.total.toLocaleString("en")} ops`;
  const label = `metrics: GET /api/metrics, business read from PostgreSQL, ${at}, ${SCRAPES} scrapes`;
  add(`${label}, p50`, percentile(cold, 50), "ms");
  add(`${label}, p95`, percentile(cold, 95), "ms");
  add(`metrics: GET /api/metrics within the cache, ${at}`, cached, "ms");
  add(
    "metrics: samples in a scrape",
    body.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length,
    "lines",
  );
}
