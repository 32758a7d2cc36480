import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { latestMigrationTag } from "@/db/migrate";
import {
  BLOCK_KINDS,
  type BlockKind,
  OPERATION_STATUSES,
  type OperationStatus,
} from "@/server/domain/statuses";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import type { WorkflowRegistry } from "@/server/workflows/registry";
import { hourWindowStart, type QueueDepth, readQueueDepth } from "./queue-depth";
import { asDate, asNumberOrNull } from "./rows";
import { uuidV7Floor } from "./search-query";

const INBOX_ITEMS_PER_KIND = 8;
const STUCK_ITEMS = 10;
/** Most stuck candidates read per (status, type): enough to count a bad day, bounded for a disaster. */
const STUCK_SCAN = 500;
const HOUR = 3_600_000;

export interface LagStats {
  p50Ms: number | null;
  p95Ms: number | null;
  count: number;
}

export interface LagPoint {
  /** Start of the bucket. */
  t: Date;
  p50Ms: number | null;
  p95Ms: number | null;
  count: number;
}

export interface TypeSummary {
  type: string;
  title: string;
  /** In flight now: accepted, processing, blocked. Finished: completed and failed in the last 24 h. */
  counts: Record<OperationStatus, number>;
  stuck: number;
  retryExhausted: { blocked: number; failed24h: number };
  lag: { hour: LagStats; day: LagStats };
  /** Completion lag per 2 minutes over the last hour, and per hour over the last day. */
  lagSeries: { hour: LagPoint[]; day: LagPoint[] };
  objectiveP95Ms: number | null;
}

export interface InboxItem {
  id: string;
  type: string;
  reference: string | null;
  subject: string | null;
  reason: string;
  actionRequired: string;
  since: Date;
}

export interface StuckItem {
  id: string;
  type: string;
  status: OperationStatus;
  reference: string | null;
  currentStep: string | null;
  since: Date;
  thresholdMs: number;
}

export interface ThroughputPoint {
  t: Date;
  accepted: number;
  completed: number;
  failed: number;
  /** Run jobs pg-boss completed in that minute (kept 15 minutes). */
  jobs: number;
}

export interface Dashboard {
  /** Live feed position this read is at least as new as: the page subscribes from here. */
  cursor: FeedCursor;
  generatedAt: Date;
  types: TypeSummary[];
  totals: Record<OperationStatus, number>;
  inbox: { kind: BlockKind; count: number; items: InboxItem[] }[];
  /** `atLeast`: so many stuck operations that the count stopped (see stuck()). */
  stuck: { count: number; atLeast: boolean; items: StuckItem[] };
  throughput: ThroughputPoint[];
  queue: QueueDepth | null;
  system: { postgresVersion: string; migration: string; workersOnline: number };
}

/** A worker that has not checked in for this long is counted as gone. */
const WORKER_SILENCE_MS = 30_000;

export interface DashboardPresenterOptions {
  db: Db;
  registry: WorkflowRegistry;
  now?: () => Date;
}

/**
 * The operator's first screen: business progress (per type, the five statuses, stuck and
 * blocked work, completion lag) next to the transport (queue depth, jobs per minute), so
 * "jobs are moving" and "orders are completing" can be told apart. Every query is an index
 * scan sized by in-flight work or by a time window, never by all operations ever: finished
 * counts are for the last 24 hours (operations_completed_idx), in-flight ones are exact.
 */
export class DashboardPresenter {
  private readonly now: () => Date;

  constructor(private readonly options: DashboardPresenterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async call(): Promise<Dashboard> {
    const sql = this.options.db.$client;
    const now = this.now();
    // Taken first: anything committed after it reaches the page through the live feed.
    const cursor = await currentCursor(sql);
    const [counts, lag, hourSeries, daySeries, inbox, stuck, exhausted, throughput, queue, system] =
      await Promise.all([
        this.counts(sql, now),
        this.lag(sql, now),
        this.lagSeries(sql, now, HOUR, 2 * 60_000),
        this.lagSeries(sql, now, 24 * HOUR, HOUR),
        this.inbox(sql),
        this.stuck(sql, now),
        this.exhausted(sql, now),
        this.throughput(sql, now),
        readQueueDepth(sql, now),
        this.system(sql),
      ]);
    queue?.jobsPerMinute.forEach((n, i) => {
      if (throughput[i]) throughput[i].jobs = n;
    });

    const known = this.options.registry.list();
    const typeNames = new Set([...known.map((w) => w.type), ...counts.map((c) => c.type)]);
    const types = [...typeNames].sort().map((type): TypeSummary => {
      const workflow = this.options.registry.latest(type);
      const c = emptyCounts();
      for (const row of counts) if (row.type === type) c[row.status] += row.n;
      const l = lag.find((r) => r.type === type);
      const e = exhausted.find((r) => r.type === type);
      return {
        type,
        title: workflow?.title ?? type,
        counts: c,
        stuck: stuck.counts.get(type) ?? 0,
        retryExhausted: { blocked: inbox.exhaustedByType.get(type) ?? 0, failed24h: e?.n ?? 0 },
        lag: {
          hour: { p50Ms: l?.p50Hour ?? null, p95Ms: l?.p95Hour ?? null, count: l?.nHour ?? 0 },
          day: { p50Ms: l?.p50Day ?? null, p95Ms: l?.p95Day ?? null, count: l?.nDay ?? 0 },
        },
        lagSeries: { hour: hourSeries.get(type) ?? [], day: daySeries.get(type) ?? [] },
        objectiveP95Ms: workflow?.objective.p95Ms ?? null,
      };
    });
    const totals = emptyCounts();
    for (const t of types) for (const s of OPERATION_STATUSES) totals[s] += t.counts[s];
    return {
      cursor,
      generatedAt: now,
      types,
      totals,
      inbox: inbox.groups,
      stuck: {
        count: [...stuck.counts.values()].reduce((a, b) => a + b, 0),
        atLeast: stuck.capped,
        items: stuck.items,
      },
      throughput,
      queue,
      system,
    };
  }

  private async system(sql: Sql): Promise<Dashboard["system"]> {
    const [[version], [workers]] = await Promise.all([
      sql<{ v: string }[]>`select current_setting('server_version') as v`,
      sql<{ n: number }[]>`
        select count(*)::int as n from workers
        where stopped_at is null and last_seen_at > now() - ${WORKER_SILENCE_MS} * interval '1 millisecond'`,
    ]);
    return {
      postgresVersion: `PostgreSQL ${version?.v ?? "unknown"}`,
      migration: latestMigrationTag(),
      workersOnline: workers?.n ?? 0,
    };
  }

  /** In flight: exact (status index). Finished: the last 24 h (completion index, index-only). */
  private async counts(sql: Sql, now: Date) {
    const dayAgo = new Date(now.getTime() - 24 * HOUR);
    return sql<{ type: string; status: OperationStatus; n: number }[]>`
      select type, status, count(*)::int as n from operations
      where status in ('accepted', 'processing', 'blocked')
      group by type, status
      union all
      select type, status, count(*)::int from operations
      where completed_at >= ${dayAgo.toISOString()}::timestamptz and completed_at is not null
      group by type, status`;
  }

  private async lag(sql: Sql, now: Date) {
    const dayAgo = new Date(now.getTime() - 24 * HOUR).toISOString();
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
      ) finished
      group by type`;
    return rows.map((r) => ({
      type: r.type,
      p50Hour: asNumberOrNull(r.p50Hour),
      p95Hour: asNumberOrNull(r.p95Hour),
      nHour: r.nHour,
      p50Day: asNumberOrNull(r.p50Day),
      p95Day: asNumberOrNull(r.p95Day),
      nDay: r.nDay,
    }));
  }

  /** p50/p95 per bucket and type; every bucket of the window is present (empty ones with nulls). */
  private async lagSeries(
    sql: Sql,
    now: Date,
    windowMs: number,
    bucketMs: number,
  ): Promise<Map<string, LagPoint[]>> {
    const end = Math.ceil(now.getTime() / bucketMs) * bucketMs;
    const start = end - windowMs;
    const rows = await sql<{ type: string; b: number; p50: string | null; p95: string | null; n: number }[]>`
      select type, floor(extract(epoch from completed_at - ${new Date(start).toISOString()}::timestamptz) * 1000 / ${bucketMs})::int as b,
        percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at) * 1000) as p50,
        percentile_cont(0.95) within group (order by extract(epoch from completed_at - created_at) * 1000) as p95,
        count(*)::int as n
      from operations
      where completed_at >= ${new Date(start).toISOString()}::timestamptz and completed_at is not null and status = 'completed'
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

  /** The operator inbox: per block kind, how many and the oldest few (operations_blocked_idx). */
  private async inbox(sql: Sql) {
    const [counts, items] = await Promise.all([
      sql<{ kind: BlockKind; type: string; n: number }[]>`
        select blocked_kind as kind, type, count(*)::int as n from operations
        where status = 'blocked' group by 1, 2`,
      sql<(Omit<InboxItem, "since"> & { kind: BlockKind; since: string })[]>`
        select k.kind, o.id, o.type, o.reference, o.subject, o.blocked_reason as reason,
          o.action_required as "actionRequired", o.updated_at as since
        from unnest(${[...BLOCK_KINDS]}::block_kind[]) as k(kind)
        cross join lateral (
          select id, type, reference, subject, blocked_reason, action_required, updated_at from operations
          where status = 'blocked' and blocked_kind = k.kind
          order by updated_at limit ${INBOX_ITEMS_PER_KIND}
        ) o`,
    ]);
    const exhaustedByType = new Map<string, number>();
    for (const c of counts) {
      if (c.kind === "retries_exhausted")
        exhaustedByType.set(c.type, (exhaustedByType.get(c.type) ?? 0) + c.n);
    }
    const groups = BLOCK_KINDS.map((kind) => ({
      kind,
      count: counts.filter((c) => c.kind === kind).reduce((a, c) => a + c.n, 0),
      items: items
        .filter((i) => i.kind === kind)
        .map(({ kind: _k, since, ...i }) => ({
          ...i,
          reason: i.reason ?? "",
          actionRequired: i.actionRequired ?? "",
          since: asDate(since),
        })),
    }))
      .filter((g) => g.count > 0)
      .sort((a, b) => (a.items[0]?.since.getTime() ?? 0) - (b.items[0]?.since.getTime() ?? 0));
    return { groups, exhaustedByType };
  }

  /**
   * Accepted or processing with no change for longer than the workflow's threshold. Only
   * operations accepted before that threshold can qualify (updated_at ≥ created_at), and ids
   * are UUIDv7, so each (status, type) is an id range on operations_status_type_idx; at most
   * STUCK_SCAN candidates per range have their row read, which bounds the cost when a whole
   * backlog is stuck (the count then reads as "at least"). No ORDER BY: with one, the planner
   * walked the primary key instead (27 s at 1,000,000 operations).
   */
  private async stuck(sql: Sql, now: Date) {
    const workflows = this.options.registry.list();
    const types = workflows.map((w) => w.type);
    const thresholds = workflows.map((w) => w.stuckAfterMs);
    const floors = workflows.map((w) => uuidV7Floor(new Date(now.getTime() - w.stuckAfterMs)));
    const candidates = await sql<(Omit<StuckItem, "since"> & { since: string; stuck: boolean })[]>`
      select c.id, t.type, c.status, c.reference, c.current_step as "currentStep", c.updated_at as since,
        t.ms::int as "thresholdMs",
        c.updated_at < ${now.toISOString()}::timestamptz - t.ms * interval '1 millisecond' as stuck
      from unnest(${types}::text[], ${thresholds}::bigint[], ${floors}::uuid[]) as t(type, ms, floor)
      cross join unnest(array['accepted', 'processing']::operation_status[]) as st(status)
      cross join lateral (
        select o.id, o.status, o.reference, o.current_step, o.updated_at from operations o
        where o.status = st.status and o.type = t.type and o.id < t.floor
        limit ${STUCK_SCAN}
      ) c`;
    const scanned = new Map<string, number>();
    for (const c of candidates)
      scanned.set(`${c.type}/${c.status}`, (scanned.get(`${c.type}/${c.status}`) ?? 0) + 1);
    const rows = candidates.filter((c) => c.stuck);
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const items = rows
      .sort((a, b) => Date.parse(a.since) - Date.parse(b.since))
      .slice(0, STUCK_ITEMS)
      .map(({ since, stuck: _s, ...r }) => ({ ...r, since: asDate(since) }));
    const capped = [...scanned.values()].some((n) => n >= STUCK_SCAN);
    return { counts, items, capped };
  }

  /** Operations that failed in the last 24 h because a step ran out of retries. */
  private exhausted(sql: Sql, now: Date) {
    return sql<{ type: string; n: number }[]>`
      select type, count(*)::int as n from operations
      where completed_at >= ${new Date(now.getTime() - 24 * HOUR).toISOString()}::timestamptz
        and completed_at is not null and status = 'failed' and error->>'code' = 'retries_exhausted'
      group by type`;
  }

  /**
   * Per minute over the last hour: operations accepted (from the UUIDv7 ids, an index-only
   * scan of the primary key), completed and failed (completion index), and run jobs done.
   */
  private async throughput(sql: Sql, now: Date): Promise<ThroughputPoint[]> {
    const minute = 60_000;
    const start = hourWindowStart(now);
    const startIso = new Date(start).toISOString();
    const floorId = uuidV7Floor(new Date(start));
    const [accepted, finished] = await Promise.all([
      sql<{ b: number; n: number }[]>`
        select ((('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint - ${start}) / ${minute})::int as b,
          count(*)::int as n
        from operations where id >= ${floorId}::uuid
        group by 1`,
      sql<{ b: number; status: OperationStatus; n: number }[]>`
        select floor(extract(epoch from completed_at - ${startIso}::timestamptz) / 60)::int as b, status, count(*)::int as n
        from operations where completed_at >= ${startIso}::timestamptz and completed_at is not null
        group by 1, 2`,
    ]);
    const points: ThroughputPoint[] = Array.from({ length: 60 }, (_, i) => ({
      t: new Date(start + i * minute),
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

function emptyCounts(): Record<OperationStatus, number> {
  return Object.fromEntries(OPERATION_STATUSES.map((s) => [s, 0])) as Record<OperationStatus, number>;
}
