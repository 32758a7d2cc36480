/** Under vitest's 30 s test timeout, so a miss reports its last error rather than a bare timeout. */
const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_INTERVAL_MS = 50;

export interface EventuallyOptions {
  /** How long to keep trying; generous, because the 2-core test box is often busy. */
  timeoutMs?: number;
  /** Pause between tries. */
  intervalMs?: number;
  /** Says what was awaited; prefixed to the last error. */
  message?: string;
}

/**
 * Waits for something another process or task will do: calls `fn` until it returns without
 * throwing and resolves with what it returned. "Not yet" is a throw — a failed `expect`
 * or an explicit `throw` — so a returned `false` or `undefined` counts as done. Past the
 * deadline it rejects with `fn`'s last error, its message prefixed with what was awaited
 * and for how long.
 *
 * ```ts
 * await eventually(async () => expect(await statusOf(id)).toBe("completed"));
 * const row = await eventually(async () => {
 *   const [found] = await rows();
 *   if (!found) throw new Error("no row yet");
 *   return found;
 * });
 * ```
 *
 * Each try runs to its end, so `fn` should answer quickly (one query, one look at state).
 * It imports no test runner, so helpers outside test files (the engine harness) use it too.
 */
export async function eventually<T>(fn: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  for (let tries = 1; ; tries++) {
    try {
      return await fn();
    } catch (error) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw lastError(
          error,
          `${options.message ?? "still failing"} after ${timeoutMs} ms (${tries} tries)`,
        );
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
    }
  }
}

/** The last error itself (its stack and any expected/actual diff kept), with `prefix` on its message. */
function lastError(error: unknown, prefix: string): Error {
  if (!(error instanceof Error)) return new Error(`${prefix}: ${String(error)}`);
  error.message = `${prefix}: ${error.message}`;
  return error;
}
