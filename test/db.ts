import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createDb, type Db } from "@/db/client";
import { quoteIdent, withDatabase } from "./database-url";

export interface TestDatabase {
  /** Connection string of this file's own database, e.g. for a spawned process. */
  url: string;
  db: Db;
  /** Closes `db` and drops the database; call it in `afterAll`. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file, cloned from the template made by
 * test/global-setup.ts (a few milliseconds), so files run in parallel without sharing rows.
 *
 * ```ts
 * let t: TestDatabase;
 * beforeAll(async () => { t = await createTestDatabase(); });
 * afterAll(() => t.drop());
 * ```
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template } = inject("testDatabaseServer");
  const name = `tl_t_${randomBytes(6).toString("hex")}`;
  await onAdmin(adminUrl, (admin) =>
    admin.unsafe(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`),
  );
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { max: 5, applicationName: "vitest" });
  return {
    url,
    db,
    drop: async () => {
      await db.$client.end({ timeout: 5 });
      await onAdmin(adminUrl, (admin) =>
        admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`),
      );
    },
  };
}

async function onAdmin(adminUrl: string, run: (admin: postgres.Sql) => Promise<unknown>): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await run(admin);
  } finally {
    await admin.end();
  }
}
