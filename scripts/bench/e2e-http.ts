/**
 * End to end through the public HTTP API (issue 14), as another service meets Throughline:
 * `POST /api/v1/operations` to the production web process (`--only web`), real worker
 * processes, `completed` read from the operation's row. Per worker count (E2E_WORKERS, default
 * "1,2,4"): the steady-rate latency POST → completed (with one worker), the maximum sustained
 * completed/s with 32 clients posting as fast as they are answered, the peak RSS of the web and
 * the workers, and the correctness of the run — every operation completed, no step succeeded
 * twice. The same database for every count: each figure reads only its own operations.
 */
import { createDb } from "@/db/client";
import { createApiKey } from "@/server/auth/api-keys";
import { ensureQueues } from "@/server/engine/queue";
import {
  closedIntake,
  completionLatencies,
  correctness,
  openLoop,
  spawnWorker,
  stopWorkers,
  waitForIdle,
} from "./engine-lib";
import { type BenchFigure, figuresOf, spreadFigures } from "./figures";
import { benchSeconds, startWeb, stopWeb } from "./lib";
import { listenerPid, peakRss } from "./memory";

// Its own port: a web another section left stopping must not answer for this one.
const HTTP_PORT = 3296;
const RATE = Number(process.env.ENGINE_RATE ?? 100);
const CLIENTS = 32;

export async function benchEndToEndHttp(options: { url: string; raw?: number }): Promise<BenchFigure[]> {
  const { url, raw } = options;
  const { figures, add } = figuresOf("e2e-http");
  const perRaw = (perSecond: number) => (raw ? { ratioToRaw: perSecond / raw } : {});
  const counts = (process.env.E2E_WORKERS ?? "1,2,4").split(",").map(Number).filter(Boolean);
  await ensureQueues(url);
  const db = createDb(url, { max: 4, applicationName: "bench-e2e" });
  const key = (await createApiKey({ db, name: "bench-e2e", scopes: ["operations:write", "operations:read"] }))
    .secret;
  const post = postOperation(key);
  const web = await startWeb({ url, port: HTTP_PORT });
  try {
    const webPid = listenerPid(HTTP_PORT);
    for (const n of counts) {
      const workers = await Promise.all(Array.from({ length: n }, () => spawnWorker(url)));
      try {
        for (let i = 0; i < 50; i++) await post("warm-up");
        await waitForIdle(db, 60_000);
        if (n === counts[0]) {
          const steady = await openLoop(RATE, benchSeconds(20), post);
          await waitForIdle(db, 60_000);
          const { total } = await completionLatencies(db, steady);
          spreadFigures(add, `POST → completed at ${RATE}/s, ${n} worker(s)`, total, "ms", {
            p50: "< 5",
            p95: "< 8",
            p99: "< 14",
          });
        }
        const t0 = Date.now();
        const { result: burst, peakMb } = await peakRss(
          [webPid, ...workers.map((w) => w.pid!)],
          (async () => {
            const started = await closedIntake(CLIENTS, benchSeconds(15), post);
            await waitForIdle(db, 300_000);
            return started;
          })(),
        );
        const check = await correctness(db, burst);
        const sustained = check.completed / ((check.lastCompletedAt - t0) / 1000);
        add(`max sustained over HTTP, 1 web + ${n} worker(s)`, sustained, "completed/s", {
          target: n === 1 ? "≥ 1000" : undefined,
          ...perRaw(sustained),
        });
        add(`  web RSS peak, ${n} worker(s)`, peakMb[0]!, "MB", { target: "≤ 400" });
        add(`  worker RSS peak (largest of ${n})`, Math.max(...peakMb.slice(1)), "MB", { target: "≤ 400" });
        add(`  operations not completed, ${n} worker(s)`, burst.length - check.completed, "ops", {
          target: "0",
        });
        add(`  steps that succeeded twice, ${n} worker(s)`, check.doubled, "steps", { target: "0" });
      } finally {
        await stopWorkers(workers);
      }
    }
  } finally {
    await stopWeb(web);
    await db.$client.end();
  }
  return figures;
}

/** `start` for the intake loops: one POST, answered 202 with the operation's id. */
function postOperation(key: string) {
  return async (note: string) => {
    const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/operations`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "demo.noop", input: { note } }),
    });
    if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    return { operationId: id };
  };
}
