import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { type DatabaseHandle, openDatabase } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";

/** A fresh, migrated database for one benchmark run, on DATABASE_URL's server or an embedded one. */
export async function openBenchDatabase(): Promise<{
  url: string;
  server: DatabaseHandle;
  drop(): Promise<void>;
}> {
  const server = await openDatabase({
    url: process.env.DATABASE_URL,
    dataDir: path.resolve(".throughline/bench-pg"),
    settings: { max_connections: "300" },
  });
  const admin = new URL(server.url);
  admin.pathname = "/postgres";
  const name = `tl_bench_${randomBytes(4).toString("hex")}`;
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    server,
    drop: async () => {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

/** Runs `concurrency` loops of `task` for `seconds`; returns completed count and latencies (ms). */
export async function closedLoop(options: {
  concurrency: number;
  seconds: number;
  task: (worker: number, i: number) => Promise<unknown>;
}): Promise<{ count: number; perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const end = performance.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < end; i++) {
        const t0 = performance.now();
        await options.task(worker, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { count: latencies.length, perSecond: latencies.length / elapsed, latencies };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

/** Prints rows as an aligned plain-text table. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(`\n${title}\n${"-".repeat(title.length)}`);
  console.log(line(header));
  for (const r of cells.slice(1)) console.log(line(r));
}

export const benchSeconds = (fallback: number) => Number(process.env.BENCH_SECONDS ?? fallback);

/**
 * Starts the production web server (`--only web`, building first when needed) against
 * `url` on `port`, and resolves once it answers /api/health and `ready()` holds.
 */
export async function startWeb(options: {
  url: string;
  port: number;
  env?: Record<string, string>;
  ready?: () => Promise<boolean>;
}): Promise<ChildProcess> {
  const child = spawn("npx", ["tsx", "scripts/start.ts", "--only", "web"], {
    env: {
      THROUGHLINE_SECRET: "bench-secret",
      ...process.env,
      DATABASE_URL: options.url,
      PORT: String(options.port),
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${options.port}/api/health`);
      if (res.ok && (await (options.ready?.() ?? true))) return child;
    } catch {
      // not up yet (the first run builds the app)
    }
    if (child.exitCode !== null) throw new Error("the web server exited before it answered");
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the web server did not answer within 10 minutes");
}

/** SIGTERM to the web server's process group; waits up to 20 s for it to exit. */
export async function stopWeb(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid!, "SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
}
