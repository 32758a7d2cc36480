import type { Db } from "@/db/client";
import { RUN_QUEUE } from "@/server/engine/queue";
import { PGBOSS_JOB, pgBossInstalled } from "@/server/presenters/pgboss-job";
import { asDate, asDateOrNull } from "@/server/presenters/rows";
import type { KeptRunJob } from "./segments";

/** pg-boss keeps completed run jobs this long (RUN_QUEUE_OPTIONS.deleteAfterSeconds). */
const JOBS_KEPT_MS = 15 * 60_000;

/** Whether pg-boss may still keep the run jobs of an operation finished then (null: in flight). */
export function runJobsKept(completedAt: Date | null, now: Date): boolean {
  return !completedAt || now.getTime() - completedAt.getTime() < JOBS_KEPT_MS;
}

/**
 * The operation's run jobs while pg-boss keeps them: when each was written and picked
 * up, which splits "accepted → step started" into queue wait and claim. Read by the job
 * table's (name, created_on) index over the operation's lifetime.
 */
export async function runJobsOf(sql: Db["$client"], id: string, from: Date, to: Date): Promise<KeptRunJob[]> {
  if (!(await pgBossInstalled(sql))) return [];
  const job = sql(PGBOSS_JOB);
  const rows = await sql<{ reason: string; createdOn: string; startedOn: string | null }[]>`
    select data->>'reason' as reason, created_on as "createdOn", started_on as "startedOn"
    from ${job}
    where name = ${RUN_QUEUE} and created_on >= ${new Date(from.getTime() - 1_000).toISOString()}::timestamptz
      and created_on <= ${new Date(to.getTime() + 1_000).toISOString()}::timestamptz
      and data->>'operationId' = ${id}`;
  return rows.map((r) => ({
    reason: r.reason,
    createdOn: asDate(r.createdOn),
    startedOn: asDateOrNull(r.startedOn),
  }));
}
