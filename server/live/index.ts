import type { Db } from "@/db/client";
import { logger } from "@/server/logger";
import { LiveHub } from "./hub";

const globalForLive = globalThis as unknown as { throughlineLiveHubs?: WeakMap<Db, LiveHub> };

/**
 * The process's hub for a pool: one LISTEN connection per web process, whatever the number
 * of open pages. Kept on globalThis so dev reloads reuse it; tests get one per test database.
 */
export function liveHubFor(db: Db): LiveHub {
  globalForLive.throughlineLiveHubs ??= new WeakMap();
  let hub = globalForLive.throughlineLiveHubs.get(db);
  if (!hub) {
    hub = new LiveHub({ sql: db.$client, log: (line) => logger.warn(line) });
    globalForLive.throughlineLiveHubs.set(db, hub);
  }
  return hub;
}
