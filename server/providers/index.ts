import type { Db } from "@/db/client";
import { carrierProvider } from "./carrier";
import type { CallbackChannel } from "./carrier-callback";
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
export function createProviders(options: {
  db: Db;
  random?: () => number;
  /**
   * How the carrier calls a waiting step back: `httpCallbacks(baseUrl)` (the worker of `npm start`)
   * or `inProcessCallbacks(waits)` (no web to call). None: the pickup is never confirmed.
   */
  callbacks?: CallbackChannel;
}) {
  const rt: ProviderRuntime = {
    db: options.db,
    random: options.random ?? Math.random,
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
  };
  return {
    warehouse: warehouseProvider(rt),
    payments: paymentsProvider(rt),
    carrier: carrierProvider(rt),
    email: emailProvider(rt),
    risk: riskProvider(rt),
  };
}

export type Providers = ReturnType<typeof createProviders>;
