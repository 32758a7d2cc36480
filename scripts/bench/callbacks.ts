/**
 * Callbacks (issue 12), in `npm run bench` (BENCH_ONLY=callbacks): a step that waits for an
 * acknowledgment, answered through the public HTTP path — `POST /api/v1/callbacks/{token}` to
 * the production web process (`--only web`), real worker processes (scripts/worker.ts). Both run
 * THROUGHLINE_WORKFLOW_SET=bench-callbacks, whose `bench.callbacks` waits in `hand_over` and then
 * runs `record` (server/workflows/bench-callbacks.ts). Figures:
 * - worker RSS with 0 and with BENCH_CALLBACK_WAITING (100,000) waiting operations — the waiting
 *   ones made by in-process intake (IntakeService, group commit) and the worker itself opening
 *   each wait, so the rows are exactly the engine's; the count of `waits` rows in state `waiting`;
 * - callback sent → `record`'s `step_started` (the event's time in the database), p50/p99, at
 *   BENCH_CALLBACK_RATE (100) callbacks/s, open loop;
 * - the maximum callbacks/s answered with BENCH_CALLBACK_CLIENTS (32) clients in a closed loop,
 *   and the completed/s behind it; then every acknowledged operation completed, no step twice.
 * The waiting operations are the supply of tokens for the two timed phases.
 */
import type { ChildProcess } from "node:child_process";
import { createDb, type Db } from "@/db/client";
import { ensureQueues } from "@/server/engine/queue";
import { RunQueue } from "@/server/engine/run-queue";
import { IntakeService } from "@/server/operations/intake";
import { createCallbackToken } from "@/server/waits/callback-token";
import { registryFromEnv } from "@/server/workflows";
import { benchCallbacks } from "@/server/workflows/bench-callbacks";
import {
  closedIntake,
  correctness,
  openLoop,
  type Started,
  spawnWorker,
  stopWorkers,
  until,
} from "./engine-lib";
import { type BenchFigure, figuresOf, spreadFigures } from "./figures";
import { benchSeconds, startWeb, stopWeb } from "./lib";
import { rssMb } from "./memory";

// Its own port: a web another section left stopping must not answer for this one.
const HTTP_PORT = 3295;
const WAITING = Number(process.env.BENCH_CALLBACK_WAITING ?? 100_000);
const RATE = Number(process.env.BENCH_CALLBACK_RATE ?? 100);
const CLIENTS = Number(process.env.BENCH_CALLBACK_CLIENTS ?? 32);
const WARM_UP = 50;
const SET = "bench-callbacks";
const TYPE = benchCallbacks.type;
const NEXT_STEP = "record";

export async function benchCallbacksSection(options: { url: string }): Promise<BenchFigure[]> {
  const { url } = options;
  const { figures, add } = figuresOf("callbacks");
  // Web, workers and this process (which plays the other system, holding the tokens) agree on it.
  const secret = process.env.THROUGHLINE_SECRET ?? "bench-secret";
  const env = {
    THROUGHLINE_WORKFLOW_SET: SET,
    THROUGHLINE_SECRET: secret,
    // Probes would add demo.noop operations to the workers' load; this section measures callbacks.
    THROUGHLINE_SYNTHETIC_CHECKS: "off",
  };
  await ensureQueues(url);
  const db = createDb(url, { max: 8, applicationName: "bench-callbacks" });
  const runs = new RunQueue({ db, url });
  const intake = new IntakeService(db, registryFromEnv({ THROUGHLINE_WORKFLOW_SET: SET }), runs);
  const start = async (note: string) => {
    const result = await intake.call({ request: { type: TYPE, input: { note } }, caller: "key:bench" });
    if (result.type !== "created") throw new Error(`intake refused: ${JSON.stringify(result)}`);
    return { operationId: result.operationId };
  };
  const tokens = new Tokens(db, secret);
  const send = async () => {
    const next = tokens.next();
    if (!next) throw new Error("no waiting operation left to acknowledge");
    const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/callbacks/${next.token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        status: "succeeded",
        payload: { ref: `bench-${next.operationId.slice(0, 8)}` },
      }),
    });
    if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${await res.text()}`);
    await res.body?.cancel();
    return { operationId: next.operationId };
  };
  const web = await startWeb({ url, port: HTTP_PORT, env });
  let workers: ChildProcess[] = [];
  try {
    workers = [await spawnWorker(url, env)];
    add("worker RSS, 0 waiting (fresh worker, idle)", await settledRss(workers[0]!), "MB");

    // Warm-up: both processes have run the whole path once before anything is timed. Fewer
    // clients than the web's pool (DB_POOL_MAX, 10): its job producer starts inside the first
    // callbacks' transactions, and as many of those as pooled connections would each wait for it
    // (for a connection none frees) until the web's 15 s idle-in-transaction timeout ends them.
    const warm = await makeWaiting(db, start, WARM_UP);
    await tokens.load();
    await closedIntake(8, 600, send, WARM_UP);
    await untilCompleted(db, warm.length, 120_000);
    add("worker RSS, 0 waiting (after a warm-up of 50 callbacks)", await settledRss(workers[0]!), "MB");

    const t0 = performance.now();
    await makeWaiting(db, start, WAITING);
    add(
      `${WAITING} waiting operations made (intake + the worker opening each wait)`,
      (performance.now() - t0) / 1000,
      "s",
    );
    add("waits rows in state waiting", await waitingCount(db), "rows", { target: `= ${WAITING}` });
    add(
      `worker RSS, ${WAITING} waiting (the worker that opened them, idle)`,
      await settledRss(workers[0]!),
      "MB",
      { target: "≈ the 0-waiting figure" },
    );
    // The claim is that a wait costs no worker memory: a worker started now has nothing of them.
    await stopWorkers(workers);
    workers = [await spawnWorker(url, env)];
    add(
      `worker RSS, ${WAITING} waiting (a worker started after they were all waiting, idle)`,
      await settledRss(workers[0]!),
      "MB",
      { target: "≈ the fresh 0-waiting figure" },
    );

    await tokens.load();
    // At most half the waiting operations, so the closed loop has the rest.
    const steadySeconds = Math.max(1, Math.min(benchSeconds(20), Math.floor(tokens.left() / RATE / 2)));
    const steady = await openLoop(RATE, steadySeconds, send);
    const started = await nextStepStarted(db, steady, 120_000);
    spreadFigures(add, `callback → next step started at ${RATE}/s, 1 worker`, started, "ms");
    spreadFigures(
      add,
      `  callback answered (HTTP 200) at ${RATE}/s`,
      steady.map((s) => s.took),
      "ms",
    );

    const left = tokens.left();
    const wallStart = Date.now();
    const c0 = performance.now();
    const burst = await closedIntake(CLIENTS, benchSeconds(15), send, left);
    const seconds = (performance.now() - c0) / 1000;
    add(
      `max callbacks/s answered, ${CLIENTS} clients, 1 web + 1 worker`,
      burst.length / seconds,
      "callbacks/s",
    );
    if (burst.length >= left)
      add("  (the waiting operations ran out before the phase's end)", left, "callbacks");
    const check = await afterBurst(db, burst, 300_000);
    add(
      "  completed/s behind it (callback → operation completed)",
      check.completed / ((check.lastCompletedAt - wallStart) / 1000),
      "completed/s",
    );
    add("  acknowledged operations not completed", burst.length - check.completed, "ops", { target: "0" });
    add("  steps that succeeded twice", check.doubled, "steps", { target: "0" });
  } finally {
    await stopWorkers(workers);
    await stopWeb(web);
    await runs.close();
    await db.$client.end();
  }
  return figures;
}

/** The open waits' callback tokens, as their effects handed them out (same secret, same binding). */
class Tokens {
  private list: { token: string; operationId: string }[] = [];
  private at = 0;
  constructor(
    private readonly db: Db,
    private readonly secret: string,
  ) {}
  async load(): Promise<void> {
    const rows = await this.db.$client<{ id: string; operationId: string; step: string }[]>`
      select w.id, w.operation_id as "operationId", w.step from waits w
      join operations o on o.id = w.operation_id
      where w.state = 'waiting' and w.kind = 'acknowledgment' and o.type = ${TYPE}
      order by w.created_at`;
    this.list = rows.map((r) => ({
      operationId: r.operationId,
      token: createCallbackToken(this.secret, { waitId: r.id, operationId: r.operationId, step: r.step }),
    }));
    this.at = 0;
  }
  next() {
    return this.list[this.at++];
  }
  left(): number {
    return this.list.length - this.at;
  }
}

/** Starts `count` operations (64 callers at once) and resolves once each has its wait open. */
async function makeWaiting(db: Db, start: (note: string) => Promise<{ operationId: string }>, count: number) {
  const before = await waitingCount(db);
  const made = await closedIntake(64, 86_400, start, count);
  // A loaded box opens a few hundred waits a second: allow for that at 100,000.
  await until(async () => (await waitingCount(db)) >= before + count, 120_000 + count * 20);
  return made;
}

async function waitingCount(db: Db): Promise<number> {
  const [row] = await db.$client<{ n: number }[]>`
    select count(*)::int as n from waits where state = 'waiting' and kind = 'acknowledgment'`;
  return row!.n;
}

async function untilCompleted(db: Db, count: number, timeoutMs: number): Promise<void> {
  await until(async () => {
    const [row] = await db.$client<{ n: number }[]>`
      select count(*)::int as n from operations where type = ${TYPE} and status = 'completed'`;
    return row!.n >= count;
  }, timeoutMs);
}

/** An idle process's resident memory once the allocations of what it just did have settled. */
async function settledRss(worker: ChildProcess): Promise<number> {
  await new Promise((r) => setTimeout(r, 3_000));
  return rssMb(worker.pid!);
}

/** Per callback: the next step's first `step_started` (database time) minus when it was sent. */
async function nextStepStarted(db: Db, sent: Started[], timeoutMs: number): Promise<number[]> {
  const ids = sent.map((s) => s.id);
  let rows: { id: string; at: Date }[] = [];
  await until(async () => {
    rows = await db.$client<{ id: string; at: Date }[]>`
      select operation_id as id, min(at) as at from events
      where operation_id = any(${ids}::uuid[]) and type = 'step_started' and step = ${NEXT_STEP}
      group by operation_id`;
    return rows.length === ids.length;
  }, timeoutMs);
  const at = new Map(rows.map((r) => [r.id, new Date(r.at).getTime()]));
  return sent.map((s) => at.get(s.id)! - s.at);
}

/** Once every acknowledged operation finished: how many completed, when the last did, steps twice. */
async function afterBurst(db: Db, sent: Started[], timeoutMs: number) {
  const ids = sent.map((s) => s.id);
  await until(async () => {
    const [row] = await db.$client<{ n: number }[]>`
      select count(*)::int as n from operations
      where id = any(${ids}::uuid[]) and status in ('completed', 'failed', 'blocked')`;
    return row!.n === ids.length;
  }, timeoutMs);
  return correctness(db, sent);
}
