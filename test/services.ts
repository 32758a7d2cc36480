import { createServices, type ServiceDeps, type Services } from "@/server/services";
import type { TestDatabase } from "./db";

/**
 * The real services of a process (server/services.ts) over one test file's database. Close
 * them before dropping the database: `afterAll(async () => { await s.close(); await t.drop(); })`.
 */
export function testServices(t: TestDatabase, deps: Omit<Partial<ServiceDeps>, "db"> = {}): Services {
  return createServices({ db: t.db, url: t.url, ...deps });
}
