/**
 * The repeating loop a worker companion runs (alerts, waits, audit checkpoints): one tick at a
 * time, the next scheduled only after the last settled (so a slow tick never overlaps itself),
 * a failed tick logged and followed by the next, and `stop()` that waits for the tick in flight.
 */
export interface CompanionLoop {
  stop(): Promise<void>;
}

export function startCompanionLoop(options: {
  /** One tick; resolves to the delay before the next one in milliseconds. */
  tick(): Promise<number>;
  /** Delay after a failed tick, in milliseconds. */
  retryMs(): number;
  onError(error: unknown): void;
}): CompanionLoop {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout;
  const run = () => {
    running = options
      .tick()
      .catch((error: unknown) => {
        options.onError(error);
        return options.retryMs();
      })
      .then((delayMs) => {
        if (!stopped) timer = setTimeout(run, delayMs);
      });
  };
  timer = setTimeout(run, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
