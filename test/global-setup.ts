/**
 * Runs once per `vitest run`: finds a PostgreSQL (DATABASE_URL's server, or an embedded one
 * in .throughline/test-pg), migrates a template database once, and hands its name to the
 * test files, which clone it per file (see test/db.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../db/embedded";
import { migrateDatabase } from "../db/migrate";
import { quoteIdent, withDatabase } from "./database-url";

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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  const server = external
    ? await openDatabase({ url: external })
    : await openDatabase({ dataDir: path.join(ROOT, ".throughline/test-pg"), settings: FAST_SETTINGS });
  const adminUrl = withDatabase(server.url, "postgres");

  // The embedded test cluster keeps one template per migration set across runs. On a shared
  // server (DATABASE_URL) each run makes its own and drops it, leaving nothing behind.
  const template = external
    ? `throughline_template_${migrationsHash()}_${randomBytes(3).toString("hex")}`
    : `throughline_template_${migrationsHash()}`;
  await ensureTemplate(adminUrl, template);
  if (server.owned) await dropLeftovers(adminUrl, template);

  project.provide("testDatabaseServer", { adminUrl, template });

  return async () => {
    if (external) await dropDatabase(adminUrl, template);
    await server.stop();
  };
}

/** Changes whenever a migration file is added or edited. */
function migrationsHash(): string {
  const folder = path.join(ROOT, "db/migrations");
  const hash = createHash("sha256");
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of [...files, "meta/_journal.json"]) {
    hash.update(file).update(readFileSync(path.join(folder, file)));
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
      await migrateDatabase(withDatabase(adminUrl, building));
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
