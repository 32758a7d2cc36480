import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { withTickLock } from "@/db/tick-lock";

/** Rows deleted per statement: a long backlog is cleared over several ticks, never in one long lock. */
const BATCH = 1_000;

export interface PruneResult {
  operations: number;
  runs: number;
}

/**
 * Forgets synthetic checks older than `keepMs`: finished synthetic operations (their steps,
 * events and waits go with them, ON DELETE CASCADE) and finished synthetic_runs rows. An
 * unfinished operation is left alone — something still holds or runs it; only the stuck
 * alerts' business counts leave it out. One process at a time (tick lock `synthetic.prune`);
 * null when another is pruning.
 */
export async function pruneSynthetic(
  db: Db,
  options: { keepMs: number; now?: Date; batch?: number },
): Promise<PruneResult | null> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.keepMs).toISOString();
  const batch = options.batch ?? BATCH;
  const result = await withTickLock(db.$client as Sql, "synthetic.prune", async (tx) => {
    // operations_synthetic_idx (id desc where synthetic) finds them without touching real work.
    const operations = await tx`
      delete from operations where id in (
        select id from operations
        where synthetic and status in ('completed', 'failed') and created_at < ${cutoff}
        order by id limit ${batch})`;
    const runs = await tx`
      delete from synthetic_runs where id in (
        select id from synthetic_runs where finished_at is not null and started_at < ${cutoff}
        limit ${batch})`;
    return { operations: operations.count, runs: runs.count };
  });
  return result.ran ? result.value : null;
}
