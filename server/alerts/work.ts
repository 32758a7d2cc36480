import { startCompanionLoop } from "@/server/engine/companion-loop";
import type { StartCompanion } from "@/server/engine/worker";
import { ALERT_TICK_MS, evaluateAlerts } from "./evaluate";

/**
 * The worker's alert loop: every worker process tries each tick, withTickLock and the
 * tick's row let exactly one of them evaluate. A failed evaluation rolled back whole;
 * the next tick starts again from what committed.
 */
export const alertsWork: StartCompanion = async ({ db, registry, workerId, log }) => {
  // Ticks land just after each ALERT_TICK_MS boundary, so every worker tries the same tick.
  const untilNextTick = () => ALERT_TICK_MS - (Date.now() % ALERT_TICK_MS) + 50;
  return startCompanionLoop({
    tick: async () => {
      const r = await evaluateAlerts({ db, registry, evaluator: workerId });
      if (r.ran && r.fired + r.resolved > 0)
        log(`alerts: ${r.fired} fired, ${r.resolved} resolved (${r.durationMs} ms)`);
      return untilNextTick();
    },
    retryMs: untilNextTick,
    onError: (error) => log(`alerts: evaluation failed: ${(error as Error).message}`),
  });
};
