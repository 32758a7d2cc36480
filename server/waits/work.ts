import { withTickLock } from "@/db/tick-lock";
import { txOver } from "@/db/transaction";
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
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const BATCH = 100;
  const tick = () => {
    let again = false;
    running = withTickLock(db.$client, "waits-expire", (tx) =>
      expireWaits(txOver(db, tx), { db, runs, registry }, new Date(), BATCH),
    )
      .then((r) => {
        if (r.ran && r.value > 0) log(`waits: ${r.value} past their deadline`);
        again = r.ran && r.value >= BATCH;
      })
      .catch((error: unknown) => log(`waits: expiry failed: ${(error as Error).message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, again ? 0 : WAITS_TICK_MS);
      });
  };
  let timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
