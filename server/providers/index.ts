import { type Db, getDb } from "@/db/client";
import { carrierProvider } from "./carrier";
import { emailProvider } from "./email";
import { paymentsProvider } from "./payments";
import { riskProvider } from "./risk";
import type { ProviderRuntime } from "./runtime";
import { warehouseProvider } from "./warehouse";

/**
 * The simulated external systems the sample workflows talk to. Each keeps its own tables
 * (the authoritative business state) and a ledger of applied effects by idempotency key,
 * and misbehaves on demand (fault injection, set from the sandbox page).
 */
export function createProviders(options: { db: Db; random?: () => number }) {
  const rt: ProviderRuntime = { db: options.db, random: options.random ?? Math.random };
  return {
    warehouse: warehouseProvider(rt),
    payments: paymentsProvider(rt),
    carrier: carrierProvider(rt),
    email: emailProvider(rt),
    risk: riskProvider(rt),
  };
}

export type Providers = ReturnType<typeof createProviders>;

const globalForProviders = globalThis as unknown as { throughlineProviders?: Providers };

/**
 * The providers workflow steps call. Defaults to the process's pool (`getDb()`); tests and
 * scripts that run steps against another database call `setProviders` first.
 */
export function providers(): Providers {
  globalForProviders.throughlineProviders ??= createProviders({ db: getDb() });
  return globalForProviders.throughlineProviders;
}

export function setProviders(value: Providers): void {
  globalForProviders.throughlineProviders = value;
}
