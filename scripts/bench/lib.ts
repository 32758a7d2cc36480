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
