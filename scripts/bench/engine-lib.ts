/**
 * What the engine benchmarks share (scripts/bench-engine.ts, scripts/bench/e2e-http.ts): open
 * and closed intake loops, POST → completed latencies, hops, waiting for the backlog to drain,
 * and real worker processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";
import { RUN_QUEUE } from "@/server/engine/queue";

export type Started = { id: string; at: number; took: number };

export async function openLoop(rate: number, seconds: number, start: (note: string) => Promise<unknown>) {
  const started: Started[] = [];
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = Date.now();
    const called = performance.now();
    pending.push(
      start(`steady-${i}`).then((r) =>
        started.push({
          id: (r as { operationId: string }).operationId,
          at,
          took: performance.now() - called,
        }),
      ),
    );
  }
  await Promise.all(pending);
  return started;
}

export async function closedIntake(
  clients: number,
  seconds: number,
  start: (note: string) => Promise<unknown>,
  limit = Number.POSITIVE_INFINITY,
) {
  const started: Started[] = [];
  const end = performance.now() + seconds * 1000;
  let issued = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < end && issued++ < limit; i++) {
        const at = Date.now();
        const t0 = performance.now();
        const r = (await start(`burst-${c}-${i}`)) as { operationId: string };
        started.push({ id: r.operationId, at, took: performance.now() - t0 });
      }
    }),
  );
  return started;
}

/**
 * POST → completed: from the intake call's start to the operation's `completed_at`; and the
 * engine's share, from `created_at` (the intake transaction) to `completed_at`.
 */
export async function completionLatencies(db: Db, started: Started[]) {
  const rows = await db.$client<{ id: string; createdAt: Date; completedAt: Date }[]>`
    select id, created_at as "createdAt", completed_at as "completedAt"
    from operations where id = any(${started.map((s) => s.id)}::uuid[])`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const total: number[] = [];
  const engine: number[] = [];
  for (const s of started) {
    const row = byId.get(s.id);
    if (!row?.completedAt) continue;
    const done = new Date(row.completedAt).getTime();
    total.push(done - s.at);
    engine.push(done - new Date(row.createdAt).getTime());
  }
  return { total, engine };
}

/** Time between consecutive timeline events (statement start to statement start), by hop. */
export async function hops(db: Db, started: Started[]): Promise<Map<string, number[]>> {
  const rows = await db.$client<{ hop: string; ms: number }[]>`
    select coalesce(prev_type || ':' || coalesce(prev_step, '') || ' → ', '') || type || ':' || coalesce(step, '') as hop, ms
    from (
      select type, step, lag(type) over w as prev_type, lag(step) over w as prev_step,
        extract(epoch from at - lag(at) over w) * 1000 as ms
      from events where operation_id = any(${started.map((s) => s.id)}::uuid[])
      window w as (partition by operation_id order by id)
    ) e where prev_type is not null`;
  const byHop = new Map<string, number[]>();
  // The pickup hop split: intake transaction start → its job fetched by a worker (pg-boss times).
  const jobs = await db.$client<{ ms: number }[]>`
    select extract(epoch from j.started_on - o.created_at) * 1000 as ms
    from pgboss.job j join operations o on o.id = (j.data->>'operationId')::uuid
    where j.name = ${RUN_QUEUE} and j.data->>'reason' = 'start' and j.started_on is not null
      and o.id = any(${started.map((s) => s.id)}::uuid[])`;
  byHop.set(
    "accepted → job fetched",
    jobs.map((j) => Number(j.ms)),
  );
  for (const r of rows) byHop.set(r.hop, [...(byHop.get(r.hop) ?? []), Number(r.ms)]);
  return byHop;
}

export async function waitForIdle(db: Db, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await db.$client<{ n: number }[]>`
      select count(*)::int as n from operations where status in ${db.$client.unsafe(sqlList(RUNNABLE_STATUSES))}`;
    if (row!.n === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("operations did not finish in time");
}

export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A real worker process (`env` on top of this one's); resolves once it says it started. */
export function spawnWorker(url: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const flags = process.env.ENGINE_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, "--import", "tsx", "scripts/worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      THROUGHLINE_ROLE: "worker",
      DB_POOL_MAX: "16",
      // The bench's web (if any) is on its own port: the carrier confirms pickups in-process, and
      // no synthetic check adds operations to what a figure counts.
      THROUGHLINE_CARRIER_CALLBACKS: "in_process",
      THROUGHLINE_SYNTHETIC_CHECKS: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(" started")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before starting:\n${out}`)));
  });
}

/** SIGTERM to each worker; resolves once all have exited. */
export async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(
    workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))),
  );
}

/** How many of `started` completed, when the last did, and steps with more than one success. */
export async function correctness(db: Db, started: Started[]) {
  const ids = started.map((s) => s.id);
  const [done] = await db.$client<{ n: number; last: Date | null }[]>`
    select count(*)::int as n, max(completed_at) as last from operations
    where id = any(${ids}::uuid[]) and status = 'completed'`;
  const [twice] = await db.$client<{ n: number }[]>`
    select count(*)::int as n from (
      select 1 from events where operation_id = any(${ids}::uuid[]) and type = 'step_succeeded'
      group by operation_id, step having count(*) > 1) d`;
  return {
    completed: done!.n,
    lastCompletedAt: new Date(done!.last ?? Date.now()).getTime(),
    doubled: twice!.n,
  };
}
