/**
 * `npm run bench`: every benchmark, printed as tables. Figures, not assertions.
 * BENCH_SECONDS shortens each timed phase; BENCH_ONLY=intake,… picks sections.
 */

import { benchConsole } from "./bench/console";
import { benchIntake } from "./bench/intake";
import { openBenchDatabase } from "./bench/lib";
import { benchLive } from "./bench/live";
import { benchOutage } from "./bench/outage";
import { benchWaits } from "./bench/waits";
import { benchEngine } from "./bench-engine";

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
