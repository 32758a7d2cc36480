import net from "node:net";
import postgres from "postgres";
import { createDb, type Db } from "@/db/client";
import { RunQueue } from "@/server/engine/run-queue";
import { startWorker } from "@/server/engine/worker";
import { health } from "@/server/http/health";
import { currentCursor } from "@/server/live/feed";
import { LiveHub } from "@/server/live/hub";
import { watch } from "@/server/live/watch";
import { IntakeService } from "@/server/operations/intake";
import { createProviders } from "@/server/providers";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { SLOW_MS, scriptedWorkflow } from "@/test/engine/scripted-workflow";
import { type BenchFigure, figuresOf } from "./figures";
import { percentile } from "./lib";

/**
 * Waits and deadlines, in `npm run bench` (BENCH_ONLY=waits): the durations the tests no
 * longer assert (they wait for the outcome with a generous deadline), measured here:
 * 1. an event committed → a `watch()` subscriber on another pool has it, through NOTIFY
 *    (server/live/hub.watch.test.ts);
 * 2. the health answer when PostgreSQL accepts the connection and never answers (its
 *    two-second deadline; app/api/health/route.test.ts);
 * 3. a provider call with injected latency (server/providers/runtime.callProvider.test.ts);
 * 4. `worker.stop()` with a step just started, and idle (server/engine/worker.stop.test.ts).
 */
const LIVE_EVENTS = 50;
const LATENCY_MS = 150;
const registry = new WorkflowRegistry([scriptedWorkflow]);

export async function benchWaits(options: { url: string }): Promise<BenchFigure[]> {
  const { figures, add } = figuresOf("waits");
  const row = (label: string, ms: number[]) => {
    add(`${label}, ${ms.length} runs, p50`, percentile(ms, 50), "ms");
    add(`${label}, ${ms.length} runs, max`, Math.max(...ms), "ms");
  };
  const db = createDb(options.url, { max: 8, applicationName: "bench-waits" });
  const runs = new RunQueue({ db, url: options.url });
  const intake = new IntakeService(db, registry, runs);
  const start = async (input: unknown) => {
    const result = await intake.call({
      request: { type: scriptedWorkflow.type, input },
      caller: "key:bench",
    });
    if (result.type !== "created") throw new Error(`intake refused: ${JSON.stringify(result)}`);
    return result.operationId;
  };
  try {
    const stop = await workerStop(db, options.url, runs, start, 3);
    // No worker runs from here on: this operation only carries the events.
    const live = await livePush(options.url, db, await start({}));
    const answer = await healthOfSilentDatabase(3);
    const call = await providerCall(db, 10);
    row("event committed → watch() subscriber on another pool (NOTIFY)", live);
    row("health answer, database accepts and never answers (2 s deadline)", answer);
    row(`provider call with ${LATENCY_MS} ms injected latency`, call);
    row(`worker.stop(), its ${SLOW_MS} ms step just started`, stop.busy);
    row("worker.stop(), idle", stop.idle);
  } finally {
    await runs.close();
    await db.$client.end();
  }
  return figures;
}

/** One long-lived stream, as a page holds it; the backstop poll is out of the way. */
async function livePush(url: string, db: Db, operationId: string): Promise<number[]> {
  const web = postgres(url, { max: 3, onnotice: () => {} });
  const hub = new LiveHub({ sql: web, pollMs: 3_600_000 });
  const ac = new AbortController();
  try {
    await hub.ready();
    const stream = watch({
      hub,
      sql: web,
      filter: { operationId },
      since: await currentCursor(web),
      signal: ac.signal,
    });
    const took: number[] = [];
    for (let i = 0; i < LIVE_EVENTS; i++) {
      const next = stream.next();
      const t0 = performance.now();
      await db.$client`insert into events (operation_id, type, step, actor)
        values (${operationId}, 'step_started', 'bench', 'worker:bench')`;
      await next;
      took.push(performance.now() - t0);
    }
    ac.abort();
    await stream.return(undefined);
    return took;
  } finally {
    await hub.stop();
    await web.end();
  }
}

async function healthOfSilentDatabase(times: number): Promise<number[]> {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as net.AddressInfo;
  const quiet = console.error;
  // The handler logs each failure; the table says it once.
  console.error = () => {};
  try {
    const took: number[] = [];
    for (let i = 0; i < times; i++) {
      const pool = createDb(`postgres://postgres@127.0.0.1:${port}/x`, { max: 1 });
      const t0 = performance.now();
      const response = await health(() => pool);
      took.push(performance.now() - t0);
      if (response.status !== 503) throw new Error(`health answered ${response.status}`);
      await pool.$client.end({ timeout: 0 });
    }
    return took;
  } finally {
    console.error = quiet;
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
}

async function providerCall(db: Db, times: number): Promise<number[]> {
  await db.$client`update sim_faults set latency_ms = ${LATENCY_MS} where provider = 'email'`;
  try {
    const email = createProviders({ db }).email;
    const took: number[] = [];
    for (let i = 0; i < times; i++) {
      const t0 = performance.now();
      await email.send({ to: "bench@example.com", subject: "s", body: "b", idempotencyKey: `bench-${i}` });
      took.push(performance.now() - t0);
    }
    return took;
  } finally {
    await db.$client`update sim_faults set latency_ms = 0 where provider = 'email'`;
  }
}

/**
 * In-process workers: idle ones first, while there is no work; then each busy one stops
 * while its slow first step runs and hands the rest over to the next one started (which
 * finishes it in steps that are not slow; the last operation is left handed over).
 */
async function workerStop(
  db: Db,
  url: string,
  runs: RunQueue,
  start: (input: unknown) => Promise<string>,
  times: number,
): Promise<{ busy: number[]; idle: number[] }> {
  // The scripted workflow calls no provider; a worker needs them all the same.
  const providers = createProviders({ db });
  const idle: number[] = [];
  for (let i = 0; i < times; i++) {
    const worker = await startWorker({ db, url, runs, registry, providers });
    const t0 = performance.now();
    await worker.stop();
    idle.push(performance.now() - t0);
  }
  const busy: number[] = [];
  for (let i = 0; i < times; i++) {
    let started!: () => void;
    const slowStepStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const hooks = { beforeEffect: ({ step }: { step: string }) => (step === "a" ? started() : undefined) };
    const worker = await startWorker({ db, url, runs, registry, providers, hooks });
    await start({ script: { a: ["slow"] } });
    await slowStepStarted;
    const t0 = performance.now();
    await worker.stop();
    busy.push(performance.now() - t0);
  }
  return { busy, idle };
}
