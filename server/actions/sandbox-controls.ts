import type { Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { recheckOn } from "@/server/engine/recheck";
import type { RunQueue } from "@/server/engine/run-queue";
import type { Providers } from "@/server/providers";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";

export interface SandboxControlDeps {
  db: Db;
  runs: Pick<RunQueue, "enqueue">;
  registry: Pick<WorkflowRegistry, "all">;
  providers: Providers;
}

/**
 * The sandbox's controls over the simulated outside world, as the runbooks name them
 * (`SANDBOX_CONTROLS` in server/workflows/kit/controls.ts). Each changes the provider's
 * authoritative state, then asks the operations blocked on a precondition that re-checks on
 * that change to check again now (their own schedule would find it later anyway).
 */
export class SandboxControlsService {
  constructor(private readonly deps: SandboxControlDeps) {}

  /** Restock: puts stock on the shelf; a new SKU joins the catalogue. */
  async restock(options: { sku: string; quantity: number }): Promise<{ rechecks: number }> {
    await this.deps.providers.warehouse.restock(options.sku, options.quantity);
    return { rechecks: await this.signal("warehouse.stock") };
  }

  /** Cancel order in the shop: the shop cancels an order (the customer changed their mind). */
  async cancelShopOrder(options: { orderId: string }): Promise<{ rechecks: number }> {
    await this.deps.providers.warehouse.cancelOrder(options.orderId);
    return { rechecks: await this.signal("shop.orders") };
  }

  private signal(signal: Parameters<typeof recheckOn>[2]): Promise<number> {
    return transaction(this.deps.db, (tx) => recheckOn(tx, this.deps, signal));
  }
}
