/**
 * How big a chaos run is. `npm run chaos` runs FULL; `npm run chaos -- --short` (and the
 * vitest file test/proof/chaos.test.ts) run SHORT: the same code with small numbers.
 */
export interface ChaosOptions {
  name: "full" | "short";
  /** Acknowledged operations before the load may stop. */
  operations: number;
  /** Worker SIGKILLs before the load may stop. */
  kills: number;
  /** Milliseconds between two kills (± a third, at random). */
  killEveryMs: number;
  webs: number;
  workers: number;
  /** Requests in flight at most (each loop waits for its answer). */
  concurrency: number;
  /** New requests per second, spread evenly. */
  ratePerSecond: number;
  /** Every answer must come within this; a request still open after it counts as a hang. */
  clientTimeoutMs: number;
  /** How long PostgreSQL stays dead before it is started again (full: longer than the pools' 5 s connect timeout, so some requests wait for it in vain). */
  outageMs: number;
  /** The rolling restart and the database kill start at these shares of `operations`. */
  rollAt: number;
  outageAt: number;
  /** The load stops by this, whatever it reached (the run then fails its targets). */
  loadDeadlineMs: number;
  /** After the load: how long every acknowledged operation has to finish or block. */
  settleDeadlineMs: number;
  /** The seed of the run's own choices (workflow mix, inputs, which worker dies). */
  seed: number;
}

export const FULL: ChaosOptions = {
  name: "full",
  operations: 5_000,
  kills: 20,
  killEveryMs: 5_000,
  webs: 2,
  workers: 3,
  concurrency: 32,
  ratePerSecond: 25,
  clientTimeoutMs: 15_000,
  outageMs: 10_000,
  rollAt: 0.3,
  outageAt: 0.6,
  loadDeadlineMs: 15 * 60_000,
  settleDeadlineMs: 4 * 60_000,
  seed: 1,
};

export const SHORT: ChaosOptions = {
  name: "short",
  operations: 120,
  kills: 3,
  killEveryMs: 2_500,
  webs: 1,
  workers: 2,
  concurrency: 8,
  ratePerSecond: 10,
  clientTimeoutMs: 15_000,
  outageMs: 4_000,
  rollAt: 0.1,
  outageAt: 0.5,
  loadDeadlineMs: 90_000,
  settleDeadlineMs: 60_000,
  seed: 1,
};

/** `--short`, and `--seed=N` / `--operations=N` / `--kills=N` to vary a run. */
export function parseChaosArgs(args: string[]): ChaosOptions {
  let options = { ...FULL };
  for (const arg of args) {
    if (arg === "--short") {
      options = { ...SHORT, seed: options.seed };
      continue;
    }
    const match = /^--(seed|operations|kills)=(\d+)$/.exec(arg);
    if (!match) throw new Error(`Unknown argument ${arg}: use --short, --seed=N, --operations=N, --kills=N.`);
    options[match[1] as "seed" | "operations" | "kills"] = Number(match[2]);
  }
  return options;
}

/** A small seeded generator (mulberry32): the same seed makes the same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
