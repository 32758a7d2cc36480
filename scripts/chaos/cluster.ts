/**
 * The chaos run's own PostgreSQL: a private embedded cluster in a temp folder, so the run
 * may kill it outright and start it again without touching anybody else's database.
 */
import { realpathSync } from "node:fs";
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Sql } from "postgres";
import { createDb, type Db } from "@/db/client";
import { type DatabaseHandle, type EmbeddedServer, openDatabase } from "@/db/embedded";
import { removeDataDir } from "@/db/embedded-location";
import { listProcesses, signal, waitUntilGone } from "@/db/embedded-processes";
import { prepareDatabase } from "../lib/prepare-database";

export interface ChaosCluster {
  /** The run's temp folder: the cluster, and every process's log. */
  base: string;
  url: string;
  /** The run's own pool, for seeding, fault settings and the checks. */
  db: Db;
  sql: Sql;
  /** The current postmaster's pid. */
  readonly pid: number;
  /** SIGKILLs the postmaster and every backend (a dead host, not a polite stop); waits until all are gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server and deletes the folder (kept, with the logs, when `keep`). */
  remove(keep?: boolean): Promise<void>;
}

/**
 * Durability settings: fsync and full-page writes off are safe against a killed server (the
 * kernel keeps what was written; only a machine crash loses it), synchronous_commit stays on:
 * off, a killed server would lose commits it had already acknowledged, and the run would blame
 * Throughline for them.
 */
const SETTINGS = { fsync: "off", full_page_writes: "off", max_connections: "300" };

export async function openChaosCluster(log: (line: string) => void): Promise<ChaosCluster> {
  const base = await mkdtemp(path.join(tmpdir(), "tl-chaos-"));
  // As root, the server runs as the OS user postgres, which must enter this folder.
  await chmod(base, 0o755);
  const dataDir = path.join(base, "data");
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ dataDir, settings: SETTINGS, log });
  } catch (error) {
    await removeDataDir(dataDir);
    throw error;
  }
  const server = handle.server as EmbeddedServer;
  await prepareDatabase(handle.url);
  const db = createDb(handle.url, { max: 4, applicationName: "chaos" });
  return {
    base,
    url: handle.url,
    db,
    sql: db.$client,
    get pid() {
      return server.pid;
    },
    kill: async () => {
      const exited = server.exited;
      process.kill(server.pid, "SIGKILL");
      // Backends outlive a killed postmaster for a moment and would still answer queries.
      const real = realpathSync(server.clusterDir);
      const backends = listProcesses()
        .filter((p) => p.cwd() === real)
        .map((p) => p.pid);
      for (const pid of backends) signal(pid, "SIGKILL");
      await exited;
      if (!(await waitUntilGone(backends, 10_000))) throw new Error("PostgreSQL backends survived SIGKILL");
    },
    restart: () => server.restart(),
    remove: async (keep = false) => {
      await db.$client.end({ timeout: 2 }).catch(() => {});
      await handle.stop().catch(() => {});
      if (keep) return;
      await removeDataDir(dataDir);
      await removeDataDir(base);
    },
  };
}
