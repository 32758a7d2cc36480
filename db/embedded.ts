import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { placeCluster } from "./embedded-location";
import { isAlive } from "./embedded-processes";
import {
  initCluster,
  type Postmaster,
  type ServerExit,
  type ServerSpec,
  SUPERUSER,
  SUPERUSER_PASSWORD,
  startPostmaster,
  stopLeftoverServer,
} from "./embedded-server";
import { freePort } from "./free-port";

/** A database the process can use, and how to let go of it. */
export interface DatabaseHandle {
  url: string;
  /** True when this process started the embedded server and must stop it. */
  owned: boolean;
  embedded: boolean;
  /** The embedded server this process started (only when `owned`), for a supervisor. */
  server?: EmbeddedServer;
  stop(): Promise<void>;
}

/** The embedded server a process owns: watch it, and start it again when it dies. */
export interface EmbeddedServer {
  /** The folder the server works in (where `<data dir>/pg` leads). */
  readonly clusterDir: string;
  /** The current postmaster's pid. */
  readonly pid: number;
  /** Settles when the current postmaster ends. */
  readonly exited: Promise<ServerExit>;
  /** Starts it again on the same port, after stopping whatever the dead one left. */
  restart(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {}

export interface OpenDatabaseOptions {
  /** A server to use as is; when absent an embedded one is started. */
  url?: string;
  /** Where the embedded cluster keeps its files. */
  dataDir?: string;
  /** Database created inside the embedded cluster. */
  database?: string;
  /** Extra `-c name=value` server settings (tests turn fsync off). */
  settings?: Record<string, string>;
  /** Where a root launcher keeps a cluster its server user cannot reach (see embedded-location.ts). */
  clusterHome?: string;
  log?: (line: string) => void;
}

/**
 * One code path for both targets: use `url` when given, otherwise start (or attach to)
 * an embedded PostgreSQL in `dataDir`, initialising it on first run.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) {
    await assertReachable(options.url);
    return { url: options.url, owned: false, embedded: false, stop: async () => {} };
  }
  return openEmbedded(options);
}

export function defaultDataDir(): string {
  return path.resolve(process.env.THROUGHLINE_DATA_DIR ?? ".throughline");
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const stateFile = path.join(dataDir, "embedded.json");
  const database = options.database ?? "throughline";
  await mkdir(dataDir, { recursive: true });

  // Another launcher already runs this cluster: share it instead of fighting over it.
  const state = await readState(stateFile);
  if (state && isAlive(state.ownerPid) && state.ownerPid !== process.pid) {
    const url = embeddedUrl(state.port, database);
    await assertReachable(url);
    log(`using the embedded PostgreSQL started by process ${state.ownerPid} on port ${state.port}`);
    return { url, owned: false, embedded: true, stop: async () => {} };
  }

  const place = await placeCluster(dataDir, { clusterHome: options.clusterHome, log });
  await stopLeftoverServer(place.clusterDir, log);
  const spec: ServerSpec = {
    clusterDir: place.clusterDir,
    port: await freePort(),
    settings: { listen_addresses: "127.0.0.1", unix_socket_directories: "", ...options.settings },
    runAs: place.runAs,
    logFile: path.join(dataDir, "postgres.log"),
  };
  if (!existsSync(path.join(spec.clusterDir, "PG_VERSION"))) {
    log(`initialising an embedded PostgreSQL cluster in ${spec.clusterDir}`);
    await initCluster(spec);
  }
  let postmaster: Postmaster = await startPostmaster(spec);
  await writeFile(stateFile, JSON.stringify({ port: spec.port, ownerPid: process.pid }));
  await ensureDatabase(embeddedUrl(spec.port, "postgres"), database);
  log(
    `embedded PostgreSQL ready on 127.0.0.1:${spec.port} (data in ${spec.clusterDir}, log in ${spec.logFile})`,
  );

  let stopped = false;
  return {
    url: embeddedUrl(spec.port, database),
    owned: true,
    embedded: true,
    server: {
      clusterDir: spec.clusterDir,
      get pid() {
        return postmaster.pid;
      },
      get exited() {
        return postmaster.exited;
      },
      restart: async () => {
        await stopLeftoverServer(spec.clusterDir, log);
        postmaster = await startPostmaster(spec);
      },
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await postmaster.stop();
      await rm(stateFile, { force: true });
    },
  };
}

function embeddedUrl(port: number, database: string): string {
  return `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function readState(file: string): Promise<{ port: number; ownerPid: number } | null> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return null;
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database}"`);
  } finally {
    await sql.end();
  }
}

/** Fails with one clear sentence (no stack trace) when the server does not answer. */
export async function assertReachable(url: string, timeoutSeconds = 5): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    const where = safeHost(url);
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DatabaseUnreachableError(
      `Cannot reach PostgreSQL at ${where} (${why}): check DATABASE_URL, or unset it to use the embedded database.`,
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "the configured address";
  }
}
