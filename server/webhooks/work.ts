import { startCompanionLoop } from "@/server/engine/companion-loop";
import type { StartCompanion } from "@/server/engine/worker";
import { type DeliverDeps, deliverWebhooks } from "./deliver";
import { pruneWebhooks, WEBHOOK_PRUNE_EVERY_MS, webhookRetentionMs } from "./retention";

/** Pause between passes that found nothing due: one indexed query per worker each time. */
export const WEBHOOK_POLL_MS = 500;

/**
 * The worker's delivery loop: passes back to back while there is due work, else every
 * WEBHOOK_POLL_MS. Every worker runs it; SKIP LOCKED and the leases share the deliveries out,
 * and a worker that dies mid-request leaves claims that run out after the lease. Hourly, settled
 * events past THROUGHLINE_WEBHOOK_RETENTION_DAYS are pruned (one worker does it).
 */
export function webhookWorkWith(options: Omit<DeliverDeps, "db"> = {}): StartCompanion {
  return async ({ db, log }) => {
    let pruneAfter = 0;
    return startCompanionLoop({
      tick: async () => {
        if (Date.now() >= pruneAfter) {
          pruneAfter = Date.now() + WEBHOOK_PRUNE_EVERY_MS;
          const pruned = await pruneWebhooks(db, { keepMs: webhookRetentionMs() });
          if (pruned?.events) log(`webhooks: pruned ${pruned.events} settled events past retention`);
        }
        const pass = await deliverWebhooks({ ...options, db });
        if (pass.dead > 0) log(`webhooks: ${pass.dead} deliveries given up after their last try`);
        for (const id of pass.disabled) log(`webhooks: endpoint ${id} disabled after failing in a row`);
        return pass.claimed > 0 ? 0 : WEBHOOK_POLL_MS;
      },
      retryMs: () => 10 * WEBHOOK_POLL_MS,
      onError: (error) => log(`webhooks: delivery pass failed: ${(error as Error).message}`),
    });
  };
}

export const webhookWork: StartCompanion = webhookWorkWith();
