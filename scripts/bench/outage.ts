import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb, WEB_TIMEOUTS } from "@/db/client";
import { openDatabase } from "@/db/embedded";
import { listProcesses } from "@/db/embedded-processes";
import { prepareDatabase } from "@/scripts/lib/prepare-database";
import { createApiKey } from "@/server/auth/api-keys";
import { health } from "@/server/http/health";
import { operationsApi } from "@/server/http/operations-api";
import { route } from "@/server/http/route";
import { logger } from "@/server/logger";
import { createServices } from "@/server/services";
import { type BenchFigure, figuresOf } from "./figures";
import { benchSeconds, closedLoop, percentile } from "./lib";

/**
 * The answer while PostgreSQL is away (issue 15 hole 2), in `npm run bench` (BENCH_ONLY=outage):
 * the route handlers of the web process over its own pool (WEB_TIMEOUTS), 8 clients posting
 * operations, against a private embedded cluster that is SIGKILLed, then SIGSTOPped (a stalled
 * server: answered at the request deadline, set here to STALL_DEADLINE_MS). The database test
 * (app/api/database-outage.test.ts) asserts the answers; this measures how fast they come.
 */
const CLIENTS = 8;
const STALL_DEADLINE_MS = 2_000;
const BASE = "http://throughline.bench";

export async function benchOutage(): Promise<BenchFigure[]> {
  const { figures, add } = figuresOf("outage");
  const dataDir = await mkdtemp(path.join(tmpdir(), "tl-bench-outage-"));
  const database = await openDatabase({ dataDir, settings: { fsync: "off", synchronous_commit: "off" } });
  const server = database.server!;
  await prepareDatabase(database.url);
  const db = createDb(database.url, { max: 10, applicationName: "web", timeouts: WEB_TIMEOUTS });
  const services = createServices({ db, url: database.url });
  const previousDeadline = process.env.THROUGHLINE_REQUEST_DEADLINE_MS;
  process.env.THROUGHLINE_REQUEST_DEADLINE_MS = String(STALL_DEADLINE_MS);
  // Track links in the answers are signed; the launcher would pass the real secret.
  process.env.THROUGHLINE_SECRET ??= "bench-only-secret";
  // Every 503 logs a warning: thousands of lines around the table.
  const previousLevel = logger.level;
  logger.level = "error";
  try {
    const { secret } = await createApiKey({ db, name: "bench", scopes: ["operations:write"] });
    const post = route((request: Request) => operationsApi(services).startOperation(request));
    let n = 0;
    const statuses = new Map<number, number>();
    const once = async () => {
      const i = n++;
      const response = await post(
        new Request(`${BASE}/api/v1/operations`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${secret}`,
            "content-type": "application/json",
            "idempotency-key": `bench-outage-${i}`,
          },
          body: JSON.stringify({
            type: "order.fulfill",
            input: {
              orderId: `o${i}`,
              customerEmail: "b@example.com",
              items: [{ sku: "A", quantity: 1 }],
              amountCents: 100,
            },
          }),
        }),
      );
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    };
    const seconds = benchSeconds(5);
    const up = await closedLoop({ concurrency: CLIENTS, seconds, task: once });

    process.kill(server.pid, "SIGKILL");
    await server.exited;
    statuses.clear();
    const killed = await closedLoop({ concurrency: CLIENTS, seconds, task: once });
    const killedStatuses = new Map(statuses);
    const healthKilled = await timed(() => health(() => db).then((r) => r.arrayBuffer()), 10);

    const restartedAt = performance.now();
    await server.restart();
    let firstSuccessMs = Number.NaN;
    while (performance.now() - restartedAt < 120_000) {
      statuses.clear();
      await once();
      if (statuses.has(202)) {
        firstSuccessMs = performance.now() - restartedAt;
        break;
      }
    }

    const stopped = listProcesses()
      .filter((p) => p.cwd() === server.clusterDir)
      .map((p) => p.pid);
    for (const pid of stopped) process.kill(pid, "SIGSTOP");
    statuses.clear();
    const stalled = await closedLoop({ concurrency: CLIENTS, seconds: Math.max(seconds, 3), task: once });
    const stalledStatuses = new Map(statuses);
    for (const pid of stopped) process.kill(pid, "SIGCONT");

    const row = (what: string, latencies: number[], counts?: Map<number, number>) => {
      add(`${what} p50`, percentile(latencies, 50), "ms");
      add(`${what} p99`, percentile(latencies, 99), "ms");
      add(`${what} max`, Math.max(...latencies), "ms");
      for (const [status, count] of counts ?? []) add(`${what}: ${status} answers`, count, "answers");
    };
    row(`database up, ${CLIENTS} clients`, up.latencies);
    row("postmaster SIGKILLed", killed.latencies, killedStatuses);
    row(`stalled (SIGSTOP), request deadline ${STALL_DEADLINE_MS} ms`, stalled.latencies, stalledStatuses);
    row("GET /api/health, postmaster SIGKILLed", healthKilled);
    add("first 202 after the restart began", firstSuccessMs, "ms");
  } finally {
    logger.level = previousLevel;
    if (previousDeadline === undefined) delete process.env.THROUGHLINE_REQUEST_DEADLINE_MS;
    else process.env.THROUGHLINE_REQUEST_DEADLINE_MS = previousDeadline;
    await services.close();
    await db.$client.end({ timeout: 1 });
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return figures;
}

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    latencies.push(performance.now() - t0);
  }
  return latencies;
}
