/**
 * What a killed launcher may have left: its children normally stop on their own within
 * seconds (guard.ts), but a new `npm start` right after the kill, or a guard that was killed
 * too, would meet them still holding the port. Every child carries LAUNCHER_MARK, naming its
 * launcher and data folder; a new launcher stops the marked processes of a launcher that is
 * gone, on the same data folder, before it starts anything. (Linux: it reads /proc.)
 */
import net from "node:net";
import { isAlive, listProcesses, stopAll } from "@/db/embedded-processes";

export const LAUNCHER_MARK = "THROUGHLINE_LAUNCHER";

/** The mark this launcher gives its children. */
export function launcherMark(dataDir: string): string {
  return `${process.pid}:${dataDir}`;
}

export async function stopLeftoverChildren(dataDir: string, log: (line: string) => void): Promise<void> {
  const prefix = `${LAUNCHER_MARK}=`;
  const suffix = `:${dataDir}`;
  const left = listProcesses().filter((p) => {
    const mark = p.environ().find((entry) => entry.startsWith(prefix) && entry.endsWith(suffix));
    if (!mark) return false;
    const launcher = Number(mark.slice(prefix.length, mark.length - suffix.length));
    return launcher !== process.pid && !isAlive(launcher);
  });
  if (left.length === 0) return;
  const pids = left.map((p) => p.pid);
  log(`stopping what a launcher that was killed left running (pids ${pids.join(", ")})`);
  await stopAll(pids, "SIGTERM", 15_000);
}

/** Fails with one sentence when something else already listens on `port`. */
export async function assertPortFree(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `Port ${port} is already in use by another program: stop it, or start on another port with PORT=<port> npm start.`,
    );
  }
}
