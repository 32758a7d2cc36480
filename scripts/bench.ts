/**
 * `npm run bench`: every benchmark's figures in one table (targets and ratios to the raw
 * commit rate beside them), also written to bench/results/<timestamp>.json. Figures, not assertions.
 * BENCH_SECONDS shortens each timed phase; BENCH_ONLY=intake,… picks sections.
 */

import { loadavg } from "node:os";
import postgres from "postgres";
import { answerHelp } from "@/scripts/lib/usage";
import { PGBOSS_SCHEMA } from "@/server/engine/queue";
import { benchCallbacksSection } from "./bench/callbacks";
import { benchConsole } from "./bench/console";
import { benchEndToEndHttp } from "./bench/e2e-http";
import { type BenchFigure, machineFacts, printFigures, writeResults } from "./bench/figures";
import { benchIntake } from "./bench/intake";
import { openBenchDatabase } from "./bench/lib";
import { benchLive } from "./bench/live";
import { benchOutage } from "./bench/outage";
import { benchWaits } from "./bench/waits";
import { benchWebhooks } from "./bench/webhooks";
import { benchEngine } from "./bench-engine";

answerHelp(`usage: npm run bench
  Every benchmark, printed as one table (figures, not assertions) and written to
  bench/results/<timestamp>.json, on DATABASE_URL or the embedded PostgreSQL in .throughline/bench-pg.
  BENCH_ONLY=intake,engine,e2e-http,waits,callbacks,webhooks,live,outage,console  the sections to run
  BENCH_SECONDS=N                                     shortens each timed phase
  BENCH_CONSOLE_OPERATIONS=N (1000000), BENCH_CONSOLE_QUERIES=N (200),
  BENCH_CONSOLE_SEARCH_ONLY=1                         console: search only (no build, no browser)
  BENCH_CALLBACK_WAITING=N (100000), BENCH_CALLBACK_RATE=N (100), BENCH_CALLBACK_CLIENTS=N (32)
                                                      callbacks: waiting operations, steady rate, clients
  BENCH_WEBHOOK_RATE=N (50), BENCH_WEBHOOK_BACKLOG=N (30000), BENCH_WEBHOOK_WORKERS=1,2
                                                      webhooks: operations/s, backlog events, worker counts
  BENCH_METRICS_SCRAPES=N (8)                         console: GET /api/metrics scrapes at 1,000,000`);

const only = process.env.BENCH_ONLY?.split(",");
const wants = (name: string) => !only || only.includes(name);

const startedAt = new Date();
const loadBefore = loadavg();
const figures: BenchFigure[] = [];
const sections: string[] = [];
/** Runs one section; a failing section is reported in the table's stead and the rest still run. */
const section = async (name: string, run: () => Promise<BenchFigure[]>) => {
  if (!wants(name)) return;
  sections.push(name);
  try {
    const own = await run();
    figures.push(...own);
    // Each section's rows as soon as it ends, so a later section that fails or hangs loses nothing.
    printFigures(own);
    await clearOperations(bench.url);
  } catch (error) {
    console.error(`bench section ${name} failed:`, error);
    process.exitCode = 1;
    figures.push({
      section: name,
      name: `FAILED: ${(error as Error).message.split("\n")[0]}`,
      value: Number.NaN,
      unit: "",
    });
  }
};
/**
 * Each section starts from no operations and no jobs: what one left (intake's accepted orders,
 * the callbacks section's waiting bench workflow) would be run by the next section's workers —
 * a backlog its figures do not mean, under versions its workers may not register.
 */
async function clearOperations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`truncate operations cascade`;
    // pg-boss's schema exists once a section has started a worker or a producer.
    const [boss] = await sql<{ job: string | null }[]>`select to_regclass(${`${PGBOSS_SCHEMA}.job`}) as job`;
    if (boss?.job) await sql.unsafe(`delete from ${PGBOSS_SCHEMA}.job`);
  } finally {
    await sql.end();
  }
}

/** The raw `BEGIN; INSERT; COMMIT` rate of this run (intake measures it), for the other ratios. */
const raw = () => figures.find((f) => f.section === "intake" && f.name.startsWith("raw "))?.value;

const bench = await openBenchDatabase();
let facts: Record<string, unknown> = {};
try {
  facts = await machineFacts(bench.url);
  await section("intake", () => benchIntake({ url: bench.url }));
  await section("engine", () => benchEngine({ url: bench.url, raw: raw() }));
  await section("e2e-http", () => benchEndToEndHttp({ url: bench.url, raw: raw() }));
  await section("waits", () => benchWaits({ url: bench.url }));
  await section("callbacks", () => benchCallbacksSection({ url: bench.url }));
  await section("webhooks", () => benchWebhooks({ url: bench.url }));
  await section("live", () => benchLive({ url: bench.url }));
  // Its own private cluster: it kills and stalls that one, never the shared bench server.
  await section("outage", () => benchOutage());
  // Last: it seeds 1,000,000 operations into the same database.
  await section("console", () => benchConsole({ url: bench.url }));
} finally {
  await bench.drop();
  await bench.server.stop();
}
printFigures(figures);
const file = await writeResults({ startedAt, loadBefore, facts, sections, figures });
console.log(
  `\n${facts.cores} cores, load ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before → ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} after; ${String(facts.postgres).split(" on ")[0]}; written to ${file}`,
);
