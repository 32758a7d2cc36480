import { withTickLock } from "@/db/tick-lock";
import { txOver } from "@/db/transaction";
import { startCompanionLoop } from "@/server/engine/companion-loop";
import type { StartCompanion } from "@/server/engine/worker";
import { expireWaits } from "./expire";

/** How often the deadlines of open waits are looked at (one indexed read when none is due). */
export const WAITS_TICK_MS = Number(process.env.THROUGHLINE_WAITS_TICK_MS ?? 1_000);

/**
 * The worker's deadline loop for durable waits: every worker process tries each tick, the
 * tick lock lets one of them expire what is due (a batch per tick, in one transaction that
 * rolls back whole if it fails); a full batch ticks again at once.
 */
export const waitsWork: StartCompanion = async ({ db, runs, registry, log }) => {
  const BATCH = 100;
  return startCompanionLoop({
    tick: async () => {
      const r = await withTickLock(db.$client, "waits-expire", (tx) =>
        expireWaits(txOver(db, tx), { db, runs, registry }, new Date(), BATCH),
      );
      if (r.ran && r.value > 0) log(`waits: ${r.value} past their deadline`);
      return r.ran && r.value >= BATCH ? 0 : WAITS_TICK_MS;
    },
    retryMs: () => WAITS_TICK_MS,
    onError: (error) => log(`waits: expiry failed: ${(error as Error).message}`),
  });
};
