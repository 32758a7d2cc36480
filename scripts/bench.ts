/**
 * `npm run bench`: every benchmark, printed as tables. Figures, not assertions.
 * BENCH_SECONDS shortens each timed phase; BENCH_ONLY=intake,… picks sections.
 */

import { answerHelp } from "@/scripts/lib/usage";
import { benchConsole } from "./bench/console";
import { benchIntake } from "./bench/intake";
import { openBenchDatabase } from "./bench/lib";
import { benchLive } from "./bench/live";
import { benchOutage } from "./bench/outage";
import { benchWaits } from "./bench/waits";
import { benchEngine } from "./bench-engine";

answerHelp(`usage: npm run bench
  Every benchmark, printed as tables (figures, not assertions), on DATABASE_URL or the
  embedded PostgreSQL in .throughline/bench-pg.
  BENCH_ONLY=intake,engine,waits,live,outage,console  the sections to run
  BENCH_SECONDS=N                                     shortens each timed phase
  BENCH_CONSOLE_OPERATIONS=N (1000000), BENCH_CONSOLE_QUERIES=N (200),
  BENCH_CONSOLE_SEARCH_ONLY=1                         console: search only (no build, no browser)`);

const only = process.env.BENCH_ONLY?.split(",");
const wants = (name: string) => !only || only.includes(name);

const bench = await openBenchDatabase();
try {
  if (wants("intake")) await benchIntake({ url: bench.url });
  if (wants("engine")) await benchEngine({ url: bench.url });
  if (wants("waits")) await benchWaits({ url: bench.url });
  if (wants("live")) await benchLive({ url: bench.url });
  // Its own private cluster: it kills and stalls that one, never the shared bench server.
  if (wants("outage")) await benchOutage();
  // Last: it seeds 1,000,000 operations into the same database.
  if (wants("console")) await benchConsole({ url: bench.url });
} finally {
  await bench.drop();
  await bench.server.stop();
}
