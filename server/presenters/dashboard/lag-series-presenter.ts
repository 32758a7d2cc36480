import type { Db } from "@/db/client";
import { asNumberOrNull } from "@/server/presenters/rows";

export interface LagPoint {
  /** Start of the bucket. */
  t: Date;
  p50Ms: number | null;
  p95Ms: number | null;
  count: number;
}

export interface LagSeriesInput {
  now: Date;
  /** How far back the series reaches. */
  windowMs: number;
  /** How long one point is. */
  bucketMs: number;
}

/**
 * Completion lag p50/p95 per bucket and type, for the lag chart. Every bucket of the window is
 * present for a type with any completion in it (empty buckets with nulls).
 */
export class LagSeriesPresenter {
  constructor(private readonly db: Db) {}

  async call({ now, windowMs, bucketMs }: LagSeriesInput): Promise<Map<string, LagPoint[]>> {
    const sql = this.db.$client;
    const end = Math.ceil(now.getTime() / bucketMs) * bucketMs;
    const start = end - windowMs;
    const rows = await sql<{ type: string; b: number; p50: string | null; p95: string | null; n: number }[]>`
      select type, floor(extract(epoch from completed_at - ${new Date(start).toISOString()}::timestamptz) * 1000 / ${bucketMs})::int as b,
        percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at) * 1000) as p50,
        percentile_cont(0.95) within group (order by extract(epoch from completed_at - created_at) * 1000) as p95,
        count(*)::int as n
      from operations
      where completed_at >= ${new Date(start).toISOString()}::timestamptz and completed_at is not null and status = 'completed'
        and not synthetic
      group by 1, 2`;
    const buckets = Math.round(windowMs / bucketMs);
    const series = new Map<string, LagPoint[]>();
    for (const r of rows) {
      let points = series.get(r.type);
      if (!points) {
        points = Array.from({ length: buckets }, (_, i) => ({
          t: new Date(start + i * bucketMs),
          p50Ms: null,
          p95Ms: null,
          count: 0,
        }));
        series.set(r.type, points);
      }
      const point = points[r.b];
      if (point)
        Object.assign(point, { p50Ms: asNumberOrNull(r.p50), p95Ms: asNumberOrNull(r.p95), count: r.n });
    }
    return series;
  }
}
