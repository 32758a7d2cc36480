import type { Db } from "@/db/client";
import { asNumberOrNull } from "@/server/presenters/rows";
import { DAY, HOUR } from "./windows";

export interface LagStats {
  p50Ms: number | null;
  p95Ms: number | null;
  count: number;
}

export interface TypeLag {
  hour: LagStats;
  day: LagStats;
}

/** Completion lag (accepted → completed) per type, over the last hour and the last day. */
export class LagPresenter {
  constructor(private readonly db: Db) {}

  async call({ now }: { now: Date }): Promise<Map<string, TypeLag>> {
    const sql = this.db.$client;
    const dayAgo = new Date(now.getTime() - DAY).toISOString();
    const hourAgo = new Date(now.getTime() - HOUR).toISOString();
    const rows = await sql<
      {
        type: string;
        p50Hour: string | null;
        p95Hour: string | null;
        nHour: number;
        p50Day: string | null;
        p95Day: string | null;
        nDay: number;
      }[]
    >`
      select type,
        percentile_cont(0.5) within group (order by lag) filter (where completed_at >= ${hourAgo}::timestamptz) as "p50Hour",
        percentile_cont(0.95) within group (order by lag) filter (where completed_at >= ${hourAgo}::timestamptz) as "p95Hour",
        (count(*) filter (where completed_at >= ${hourAgo}::timestamptz))::int as "nHour",
        percentile_cont(0.5) within group (order by lag) as "p50Day",
        percentile_cont(0.95) within group (order by lag) as "p95Day",
        count(*)::int as "nDay"
      from (
        select type, completed_at, extract(epoch from completed_at - created_at) * 1000 as lag
        from operations
        where completed_at >= ${dayAgo}::timestamptz and completed_at is not null and status = 'completed'
          and not synthetic
      ) finished
      group by type`;
    return new Map(
      rows.map((r) => [
        r.type,
        {
          hour: { p50Ms: asNumberOrNull(r.p50Hour), p95Ms: asNumberOrNull(r.p95Hour), count: r.nHour },
          day: { p50Ms: asNumberOrNull(r.p50Day), p95Ms: asNumberOrNull(r.p95Day), count: r.nDay },
        },
      ]),
    );
  }
}

/** A type with no completions in the last day. */
export function noLag(): TypeLag {
  return { hour: { p50Ms: null, p95Ms: null, count: 0 }, day: { p50Ms: null, p95Ms: null, count: 0 } };
}
