import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appliedMigrationState, latestMigrationTag } from "@/db/migrate";
import { workers } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "./db";

describe("createTestDatabase", () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it("gives a fresh database that already has every table", async () => {
    const rows = await first.db.$client<{ name: string }[]>`
      select table_name as name from information_schema.tables where table_schema = 'public'`;
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(["operations", "steps", "events", "api_keys", "workers"]),
    );
  });

  it("is migrated to the newest migration shipped with the code", async () => {
    const state = await appliedMigrationState(first.db.$client);
    expect(state.tag).toBe(latestMigrationTag());
    expect(state.applied).toBeGreaterThan(0);
  });

  it("gives each caller its own database", async () => {
    expect(first.url).not.toBe(second.url);
    await first.db.insert(workers).values({ id: "only-in-first", host: "test", pid: 1 });
    const inSecond = await second.db
      .select({ id: workers.id })
      .from(workers)
      .where(eq(workers.id, "only-in-first"));
    expect(inSecond).toEqual([]);
  });

  it("drops the database on drop()", async () => {
    const extra = await createTestDatabase();
    const name = new URL(extra.url).pathname.slice(1);
    await extra.drop();
    const [row] = await first.db.$client`select count(*)::int as n from pg_database where datname = ${name}`;
    expect(row?.n).toBe(0);
  });
});
