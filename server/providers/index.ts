import type { Db } from "@/db/client";
import { carrierProvider } from "./carrier";
import { emailProvider } from "./email";
import { paymentsProvider } from "./payments";
import { riskProvider } from "./risk";
import type { ProviderRuntime } from "./runtime";
import { warehouseProvider } from "./warehouse";

/**
 * The simulated external systems the sample workflows talk to. Each keeps its own tables
 * (the authoritative business state) and a ledger of applied effects by idempotency key,
 * and misbehaves on demand (fault injection, set from the sandbox page). Steps reach them
 * through their context (`ctx.providers`), wired by whoever starts the worker.
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
