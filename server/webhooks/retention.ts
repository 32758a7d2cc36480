import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { withTickLock } from "@/db/tick-lock";

/** Events deleted per statement: a long backlog is cleared over several runs, never in one long lock. */
const BATCH = 1_000;
export const WEBHOOK_RETENTION_DAYS = 14;
/** How often a worker tries to prune (one of them does, under the tick lock). */
export const WEBHOOK_PRUNE_EVERY_MS = 60 * 60_000;

/** THROUGHLINE_WEBHOOK_RETENTION_DAYS (default 14), in milliseconds. */
export function webhookRetentionMs(env: Record<string, string | undefined> = process.env): number {
  const days = Number(env.THROUGHLINE_WEBHOOK_RETENTION_DAYS ?? WEBHOOK_RETENTION_DAYS);
  return (Number.isFinite(days) && days > 0 ? days : WEBHOOK_RETENTION_DAYS) * 86_400_000;
}

/**
 * Forgets events older than `keepMs` whose every delivery is settled (delivered or dead): the
 * event, its deliveries and their tries (ON DELETE CASCADE). An event still pending for some
 * endpoint — retrying, or waiting for a disabled endpoint to come back — is kept whatever its
 * age. One process at a time (tick lock `webhooks.prune`); null when another is pruning.
 */
export async function pruneWebhooks(
  db: Db,
  options: { keepMs: number; now?: Date; batch?: number },
): Promise<{ events: number } | null> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.keepMs).toISOString();
  const result = await withTickLock(db.$client as Sql, "webhooks.prune", async (tx) => {
    // webhook_outbox_created_idx finds the old events; webhook_deliveries_outbox_idx their deliveries.
    const deleted = await tx`
      delete from webhook_outbox where id in (
        select o.id from webhook_outbox o
        where o.created_at < ${cutoff}::timestamptz
          and not exists (select 1 from webhook_deliveries d where d.outbox_id = o.id and d.status = 'pending')
        order by o.created_at limit ${options.batch ?? BATCH})`;
    return { events: deleted.count };
  });
  return result.ran ? result.value : null;
}
