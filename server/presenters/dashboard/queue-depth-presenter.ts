import type { Db } from "@/db/client";
import { DEAD_QUEUE, RUN_QUEUE } from "@/server/engine/queue";
import { PGBOSS_JOB, pgBossInstalled } from "@/server/presenters/pgboss-job";
import { asNumberOrNull } from "@/server/presenters/rows";
import { hourWindowStart } from "./windows";

/** The transport's side of the dashboard: pg-boss's run queue, read from its own tables. */
export interface QueueDepth {
  /** Jobs due now, not yet picked up. */
  ready: number;
  /** Jobs waiting for their time (retries with backoff). */
  deferred: number;
  /** Jobs a worker holds. */
  active: number;
  /** How long the oldest due job has waited. */
  oldestReadyMs: number | null;
  /** Jobs that failed every pg-boss retry (a worker crashing on them). */
  dead: number;
  /** Run jobs completed per minute over the last hour (pg-boss keeps them 15 minutes). */
  jobsPerMinute: number[];
}

/** The run queue's depth and the run jobs done per minute, from pg-boss's job table. */
export class QueueDepthPresenter {
  constructor(private readonly db: Db) {}

  /** Null when pg-boss is not installed in this database (no worker or intake has run yet). */
  async call({ now }: { now: Date }): Promise<QueueDepth | null> {
    const sql = this.db.$client;
    if (!(await pgBossInstalled(sql))) return null;
    const job = sql(PGBOSS_JOB);
    const start = hourWindowStart(now);
    const [[depth], perMinute] = await Promise.all([
      sql<{ ready: number; deferred: number; active: number; oldest: string | null; dead: number }[]>`
        select
          count(*) filter (where name = ${RUN_QUEUE} and state in ('created', 'retry') and start_after <= now())::int as ready,
          count(*) filter (where name = ${RUN_QUEUE} and state in ('created', 'retry') and start_after > now())::int as deferred,
          count(*) filter (where name = ${RUN_QUEUE} and state = 'active')::int as active,
          extract(epoch from now() - min(start_after) filter (
            where name = ${RUN_QUEUE} and state in ('created', 'retry') and start_after <= now())) * 1000 as oldest,
          count(*) filter (where name = ${DEAD_QUEUE})::int as dead
        from ${job}
        where name in (${RUN_QUEUE}, ${DEAD_QUEUE}) and state in ('created', 'retry', 'active')`,
      sql<{ b: number; n: number }[]>`
        select floor(extract(epoch from completed_on - ${new Date(start).toISOString()}::timestamptz) / 60)::int as b,
          count(*)::int as n
        from ${job}
        where name = ${RUN_QUEUE} and completed_on >= ${new Date(start).toISOString()}::timestamptz
        group by 1`,
    ]);
    const jobsPerMinute = Array.from({ length: 60 }, () => 0);
    for (const r of perMinute) if (r.b >= 0 && r.b < 60) jobsPerMinute[r.b] = (jobsPerMinute[r.b] ?? 0) + r.n;
    return {
      ready: depth?.ready ?? 0,
      deferred: depth?.deferred ?? 0,
      active: depth?.active ?? 0,
      oldestReadyMs: asNumberOrNull(depth?.oldest),
      dead: depth?.dead ?? 0,
      jobsPerMinute,
    };
  }
}
