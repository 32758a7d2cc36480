import { databaseFromEnv } from "@/db/client";
import { createServices, type Services } from "@/server/services";

const globalForServices = globalThis as unknown as { throughlineServices?: Services };

/**
 * The web process's services, built once over the pool from DATABASE_URL (the launcher sets
 * it). The only locator in the tree: kept on globalThis so dev reloads reuse the pool and the
 * live hub. Route handlers and the server caller read it; nothing under server/ does.
 */
export function processServices(): Services {
  globalForServices.throughlineServices ??= createServices(databaseFromEnv());
  return globalForServices.throughlineServices;
}
