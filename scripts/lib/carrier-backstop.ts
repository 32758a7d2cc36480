import type { Db } from "@/db/client";
import { startCompanionLoop } from "@/server/engine/companion-loop";
import type { StartCompanion } from "@/server/engine/worker";
import type { CallbackChannel } from "@/server/providers/carrier-callback";
import { sendOverdueCallbacks } from "@/server/providers/owed-callbacks";

/** How often a worker's backstop pass looks for overdue pickup callbacks. */
export const BACKSTOP_EVERY_MS = 2_000;

/**
 * The simulated carrier's backstop: pickup callbacks owed by a worker that died before sending
 * them (server/providers/owed-callbacks.ts), sent by whichever worker passes first. Here rather
 * than in server/providers, which imports nothing from the engine; every worker runs it
 * (scripts/worker.ts, the history run's workers): without it an order whose booking worker was
 * SIGKILLed waits for its carrier forever.
 */
export function carrierBackstop(db: Db, callbacks: CallbackChannel): StartCompanion {
  return async ({ log }) =>
    startCompanionLoop({
      tick: async () => {
        const sent = await sendOverdueCallbacks(db, callbacks);
        if (sent > 0) log(`carrier: sent ${sent} overdue pickup callback(s) of a worker that is gone`);
        return BACKSTOP_EVERY_MS;
      },
      retryMs: () => BACKSTOP_EVERY_MS,
      onError: (error) => log(`carrier: backstop pass failed: ${(error as Error).message}`),
    });
}
