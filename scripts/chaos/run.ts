/**
 * One chaos run: a private PostgreSQL, real web and worker processes, a mixed load over the
 * public API with the providers' faults on, and meanwhile worker SIGKILLs, a rolling restart
 * onto a new workflow version and one database kill. Then it settles and checks (checks.ts,
 * client-checks.ts). Bounded: the load and the settling each have a deadline.
 */
import type { Sql } from "postgres";
import { sleep } from "@/db/embedded-processes";
import { createProviders } from "@/server/providers";
import { FaultSettingsService } from "@/server/providers/fault-settings";
import { type Check, checkDatabase } from "./checks";
import { type AnswerRow, answerTable, checkAnswers, type OutageWindow } from "./client-checks";
import { openChaosCluster } from "./cluster";
import { collectFigures } from "./figures";
import { Fleet } from "./fleet";
import { Load } from "./load";
import { CHAOS_SKUS, CHAOS_STOCK } from "./mix";
import { type ChaosOptions, seededRandom } from "./options";

export interface ChaosResult {
  options: ChaosOptions;
  ok: boolean;
  checks: Check[];
  figures: [string, string | number][];
  answers: AnswerRow[];
  /** Where the processes' logs were (deleted with the run's folder unless it failed). */
  logDir: string;
}

/** Transient errors, lost answers and latency on every provider; a few declined payments. */
const FAULTS = [
  {
    provider: "payments",
    latencyMs: 20,
    transientErrorRate: 0.1,
    permanentErrorRate: 0.01,
    loseAnswerRate: 0.1,
  },
  {
    provider: "warehouse",
    latencyMs: 10,
    transientErrorRate: 0.05,
    permanentErrorRate: 0,
    loseAnswerRate: 0.05,
  },
  { provider: "carrier", latencyMs: 30, transientErrorRate: 0.1, permanentErrorRate: 0, loseAnswerRate: 0.1 },
  { provider: "email", latencyMs: 5, transientErrorRate: 0.05, permanentErrorRate: 0, loseAnswerRate: 0.1 },
  { provider: "risk", latencyMs: 10, transientErrorRate: 0.05, permanentErrorRate: 0, loseAnswerRate: 0.05 },
] as const;

/** `stop` (Ctrl-C) ends the load and the settling early; the checks still run and report. */
export async function runChaos(
  options: ChaosOptions,
  log: (line: string) => void,
  stop: AbortSignal = new AbortController().signal,
): Promise<ChaosResult> {
  const startedAt = Date.now();
  const random = seededRandom(options.seed);
  const cluster = await openChaosCluster(log);
  const fleet = new Fleet({ url: cluster.url, logDir: cluster.base, log });
  let forgetDatabase = fleet.guardDatabase(cluster.pid);
  let keep = false;
  try {
    const faults = new FaultSettingsService(cluster.db);
    for (const f of FAULTS) await faults.set(f);
    const { warehouse } = createProviders({ db: cluster.db });
    for (const sku of CHAOS_SKUS) await warehouse.restock(sku, CHAOS_STOCK);

    log(`starting ${options.webs} web and ${options.workers} worker processes`);
    await Promise.all([
      ...Array.from({ length: options.webs }, () => fleet.startWeb()),
      ...Array.from({ length: options.workers }, () => fleet.startWorker()),
    ]);
    const readyAt = Date.now();

    const state = {
      rolled: false,
      rollError: null as Error | null,
      restarted: 0,
      window: null as OutageWindow | null,
    };
    const loadDeadline = Date.now() + options.loadDeadlineMs;
    const load = new Load({
      fleet,
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond,
      clientTimeoutMs: options.clientTimeoutMs,
      random: seededRandom(options.seed + 1),
      keepGoing: (): boolean =>
        Date.now() < loadDeadline &&
        !stop.aborted &&
        !(
          load.acks.length >= options.operations &&
          fleet.counts.kills >= options.kills &&
          state.rolled &&
          state.restarted > 0
        ),
    });
    log(
      `load: ${options.operations} operations, ${options.kills} kills, a rolling restart, one database kill`,
    );
    let loadDone = false;
    const loadRun = load.run().finally(() => (loadDone = true));

    const outage = async () => {
      log("SIGKILL PostgreSQL");
      await cluster.kill();
      state.window = { downAt: Date.now(), upAt: Number.POSITIVE_INFINITY };
      await sleep(options.outageMs);
      state.window.upAt = Date.now();
      log("starting PostgreSQL again");
      await cluster.restart();
      forgetDatabase();
      forgetDatabase = fleet.guardDatabase(cluster.pid);
      state.restarted++;
    };
    const chaos = (async () => {
      let rollStarted = false;
      let outageStarted: Promise<void> | null = null;
      let nextKill = Date.now() + options.killEveryMs;
      let lastProgress = 0;
      while (!loadDone) {
        const progress = load.acks.length / options.operations;
        if (!rollStarted && progress >= options.rollAt) {
          rollStarted = true;
          log("rolling restart onto THROUGHLINE_WORKFLOW_SET=chaos-next");
          void fleet.roll("chaos-next").then(
            () => (state.rolled = true),
            (error: Error) => {
              state.rollError = error;
              state.rolled = true;
            },
          );
        }
        if (!outageStarted && state.rolled && progress >= options.outageAt) outageStarted = outage();
        if (Date.now() >= nextKill) {
          await fleet.killRandomWorker(random);
          nextKill = Date.now() + options.killEveryMs * (2 / 3 + (2 / 3) * random());
        }
        if (progress - lastProgress >= 0.1) {
          lastProgress = progress;
          log(`${load.acks.length} acknowledged, ${fleet.counts.kills} kills`);
        }
        await sleep(100);
      }
      await outageStarted;
    })();
    await loadRun;
    await chaos;
    const loadEndedAt = Date.now();
    log(`load done: ${load.acks.length} acknowledged; faults off, settling`);

    await faults.reset();
    const settleDeadline = Date.now() + options.settleDeadlineMs;
    let inFlight = await runnableCount(cluster);
    while (inFlight > 0 && Date.now() < settleDeadline && !stop.aborted) {
      await sleep(500);
      inFlight = await runnableCount(cluster);
    }
    const settledAt = Date.now();

    const checks = [
      ...checkAnswers(load.answers, state.window),
      ...(await checkDatabase(cluster.sql, load.acks)),
      ...targetChecks(options, load.acks, fleet, state, load.unacknowledged),
    ];
    const figures = await collectFigures(cluster, load, fleet, {
      startedAt,
      readyAt,
      loadEndedAt,
      settledAt,
      restarted: state.restarted,
      window: state.window,
    });
    const ok = checks.every((c) => c.violations === 0);
    keep = !ok;
    return {
      options,
      ok,
      checks,
      figures,
      answers: answerTable(load.answers, state.window),
      logDir: cluster.base,
    };
  } catch (error) {
    keep = true;
    throw new Error(`${(error as Error).message} (process logs kept in ${cluster.base})`);
  } finally {
    await fleet.stopAll();
    forgetDatabase();
    await cluster.remove(keep);
  }
}

async function runnableCount(cluster: { sql: Sql }): Promise<number> {
  try {
    const [row] = await cluster.sql<{ n: number }[]>`
      select count(*)::int as n from operations where status in ('accepted', 'processing')`;
    return row!.n;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function targetChecks(
  options: ChaosOptions,
  acks: Load["acks"],
  fleet: Fleet,
  state: { rollError: Error | null; restarted: number },
  unacknowledged: Load["unacknowledged"],
): Check[] {
  const target = (name: string, ok: boolean, example: string): Check => ({
    group: "targets",
    name,
    violations: ok ? 0 : 1,
    examples: ok ? [] : [example],
  });
  const versions = new Set(acks.filter((a) => a.type === "order.fulfill").map((a) => a.version));
  const webDeaths = fleet.counts.crashes.filter((e) => e.startsWith("web"));
  return [
    target(
      `acknowledged operations ≥ ${options.operations}`,
      acks.length >= options.operations,
      `${acks.length}`,
    ),
    target(
      `worker SIGKILLs ≥ ${options.kills}`,
      fleet.counts.kills >= options.kills,
      `${fleet.counts.kills}`,
    ),
    target("PostgreSQL killed and restarted once", state.restarted === 1, `${state.restarted}`),
    target(
      "rolling restart of every web and worker",
      !state.rollError &&
        fleet.counts.websRolled === options.webs &&
        fleet.counts.workersRolled === options.workers,
      state.rollError?.message ??
        `${fleet.counts.workersRolled} of ${options.workers} workers, ${fleet.counts.websRolled} of ${options.webs} webs`,
    ),
    target(
      "order.fulfill accepted under v1 and v2",
      versions.has(1) && versions.has(2),
      `versions ${[...versions].join(", ")}`,
    ),
    target("web processes that died on their own", webDeaths.length === 0, webDeaths.join(", ")),
    {
      group: "targets",
      name: "requests never acknowledged (still refused when the retries ran out)",
      violations: unacknowledged.length,
      examples: unacknowledged.slice(0, 3).map((i) => `${i.key} ${i.type}`),
    },
  ];
}
