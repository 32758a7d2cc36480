import type { Db } from "@/db/client";
import { evaluateAlerts } from "@/server/alerts/evaluate";
import { defaultRegistry } from "@/server/workflows";
import type { figuresOf } from "./figures";
import { percentile } from "./lib";

const RUNS = Number(process.env.BENCH_ALERT_RUNS ?? 30);

/**
 * One full alert evaluation — every rule for every workflow type, and the lifecycle it drives —
 * over the console bench's operations (1,000,000 by default), issue 11's "< 100 ms p95". Each run
 * is its own tick (a 1 ms tick, `now` a millisecond later each time), so none finds its tick
 * done; the first fires what the seeded data holds, the rest refresh those alerts, as a worker's
 * evaluations do between changes.
 */
export async function benchAlerts(
  db: Db,
  total: number,
  add: ReturnType<typeof figuresOf>["add"],
): Promise<void> {
  const ms: number[] = [];
  const base = Date.now();
  for (let i = 0; i < RUNS; i++) {
    const r = await evaluateAlerts({
      db,
      registry: defaultRegistry,
      now: new Date(base + i),
      tickMs: 1,
      evaluator: "bench",
    });
    if (!r.ran) throw new Error(`alert evaluation ${i} did not run (${r.reason})`);
    ms.push(r.durationMs);
  }
  const label = `alerts: one evaluation of every rule and type, ${total.toLocaleString("en")} ops, ${RUNS} runs`;
  add(`${label}, p50`, percentile(ms, 50), "ms");
  add(`${label}, p95`, percentile(ms, 95), "ms", { target: "< 100" });
}
