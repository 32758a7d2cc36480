/** Small operating-system helpers of the fleet: process logs and free ports. */
import { readFileSync, writeSync } from "node:fs";
import net from "node:net";

export function appendLog(fd: number, chunk: Buffer): void {
  try {
    writeSync(fd, chunk);
  } catch {
    // the log is best effort
  }
}

/** The reason a crashed process gave: the first line of its last error, from its log. */
export function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").slice(-12);
    const error = lines.find((l) => /\b\w*Error\b/.test(l)) ?? lines.at(-1) ?? "";
    return error.trim().slice(0, 120);
  } catch {
    return "no log";
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
