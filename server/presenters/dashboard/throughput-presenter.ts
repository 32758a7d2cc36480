import type { Db } from "@/db/client";
import type { OperationStatus } from "@/server/domain/statuses";
import { uuidV7Floor } from "@/server/presenters/rows";
import { hourWindowStart, MINUTE } from "./windows";

export interface ThroughputPoint {
  t: Date;
  accepted: number;
  completed: number;
  failed: number;
  /** Run jobs pg-boss completed in that minute (kept 15 minutes). */
  jobs: number;
}

/**
 * Per minute over the last hour, real operations only: accepted (from the UUIDv7 ids, an
 * index-only scan of the primary key, less the synthetic ones from the partial index
 * operations_synthetic_idx, also index-only), completed and failed (completion index). `jobs` stays 0 here:
 * the run jobs done come from the queue (QueueDepthPresenter) and are filled in beside them.
 */
export class ThroughputPresenter {
  constructor(private readonly db: Db) {}

  async call({ now }: { now: Date }): Promise<ThroughputPoint[]> {
    const sql = this.db.$client;
    const start = hourWindowStart(now);
    const startIso = new Date(start).toISOString();
    const floorId = uuidV7Floor(new Date(start));
    const [accepted, finished] = await Promise.all([
      sql<{ b: number; n: number }[]>`
        select ((('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint - ${start}) / ${MINUTE})::int as b,
          sum(n)::int as n
        from (
          select id, 1 as n from operations where id >= ${floorId}::uuid
          union all
          select id, -1 from operations where synthetic and id >= ${floorId}::uuid
        ) a
        group by 1`,
      sql<{ b: number; status: OperationStatus; n: number }[]>`
        select floor(extract(epoch from completed_at - ${startIso}::timestamptz) / 60)::int as b, status, count(*)::int as n
        from operations where completed_at >= ${startIso}::timestamptz and completed_at is not null
          and not synthetic
        group by 1, 2`,
    ]);
    const points: ThroughputPoint[] = Array.from({ length: 60 }, (_, i) => ({
      t: new Date(start + i * MINUTE),
      accepted: 0,
      completed: 0,
      failed: 0,
      jobs: 0,
    }));
    for (const r of accepted) if (points[r.b]) points[r.b]!.accepted += r.n;
    for (const r of finished) {
      const p = points[r.b];
      if (p && r.status === "completed") p.completed += r.n;
      if (p && r.status === "failed") p.failed += r.n;
    }
    return points;
  }
}
