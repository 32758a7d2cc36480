import type { StartCompanion } from "@/server/engine/worker";
import { ALERT_TICK_MS, evaluateAlerts } from "./evaluate";

/**
 * The worker's alert loop: every worker process tries each tick, withTickLock and the
 * tick's row let exactly one of them evaluate. A failed evaluation rolled back whole;
 * the next tick starts again from what committed.
 */
export const alertsWork: StartCompanion = async ({ db, registry, workerId, log }) => {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = evaluateAlerts({ db, registry, evaluator: workerId })
      .then((r) => {
        if (r.ran && r.fired + r.resolved > 0)
          log(`alerts: ${r.fired} fired, ${r.resolved} resolved (${r.durationMs} ms)`);
      })
      .catch((error: unknown) => log(`alerts: evaluation failed: ${(error as Error).message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, ALERT_TICK_MS - (Date.now() % ALERT_TICK_MS) + 50);
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
