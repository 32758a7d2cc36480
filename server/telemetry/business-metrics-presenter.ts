import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import { IN_FLIGHT_STATUSES } from "@/server/domain/statuses";
import { uuidV7Floor } from "@/server/presenters/rows";
import { SharedRead } from "@/server/presenters/shared-read";

/** Every replica reads the same rows; a scrape within this time reuses the last read. */
export const BUSINESS_METRICS_TTL_MS = 5_000;
/** Upper bounds (seconds) of the completion-time histogram: accepted → completed. */
export const COMPLETION_BUCKETS_S = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400] as const;
/** Step series look at the operations accepted within this window … */
export const STEP_WINDOW_MS = 60 * 60_000;
/** … at most this many of the newest, so a burst costs a bounded read. */
export const STEP_SAMPLE_OPERATIONS = 20_000;

export interface OperationGroup {
  type: string;
  version: number;
  status: string;
  blockedKind: string | null;
  count: number;
  /** Seconds since acceptance of the oldest one, for in-flight statuses. */
  oldestAgeS: number | null;
}
export interface CompletionHistogram {
  type: string;
  /** Cumulative counts per `COMPLETION_BUCKETS_S` bound, then +Inf. */
  buckets: number[];
  sumS: number;
  count: number;
}
export interface StepGroup {
  type: string;
  step: string;
  finished: number;
  p50S: number | null;
  p95S: number | null;
  attempts: number;
  retries: number;
}
export interface BusinessMetrics {
  operations: OperationGroup[];
  completion: CompletionHistogram[];
  steps: StepGroup[];
  alerts: { rule: string; type: string; state: string; count: number }[];
  synthetic: { type: string; outcome: string; count: number }[];
  syntheticLast: {
    type: string;
    acceptedS: number | null;
    completedS: number | null;
    visibleS: number | null;
  }[];
  queues: { queue: string; queued: number; active: number; deferred: number; oldestReadyS: number | null }[];
  webhooks: { status: string; count: number }[];
}

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The business series of /api/metrics, read from PostgreSQL so every web replica answers the
 * same and the counts survive restarts. Synthetic operations are left out (they have their own
 * series). One read is shared by every scrape within `BUSINESS_METRICS_TTL_MS`.
 *
 * Cost at 1,000,000 operations (`npm run bench`, section `console`: GET /api/metrics over HTTP):
 * the two reads over every real operation — the groups behind the counters and gauges, and the
 * completion histogram — are index-only scans of `operations_metrics_idx` (migrations 0030, 0031:
 * the columns they read, synthetic rows left out, a fifth of the table), run side by side; before
 * it they were sequential scans of the table, ~4 s cold. Both state `version > 0` (always true):
 * the index's predicate says it too, so that only these reads can be planned on it (0031). The step read is bounded by the window and
 * the sample (a primary-key range on UUIDv7 ids, then the steps' primary key); alerts use the
 * open-alert partial index; pg-boss's own queue table is one row per queue.
 */
export class BusinessMetricsPresenter {
  private readonly reads: SharedRead<BusinessMetrics>;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    ttlMs = BUSINESS_METRICS_TTL_MS,
  ) {
    this.reads = new SharedRead(() => this.read(), ttlMs);
  }

  /** `freshAfter` (performance.now()): a caller that knows of a change gets a read started after it. */
  call(input: { freshAfter?: number } = {}): Promise<BusinessMetrics> {
    return this.reads.call(input.freshAfter);
  }

  private async read(): Promise<BusinessMetrics> {
    const [operations, completion, steps, alerts, synthetic, syntheticLast, queues, webhooks] =
      await Promise.all([
        this.operations(),
        this.completion(),
        this.steps(),
        this.alerts(),
        this.synthetic(),
        this.syntheticLast(),
        this.queues(),
        this.webhooks(),
      ]);
    return { operations, completion, steps, alerts, synthetic, syntheticLast, queues, webhooks };
  }

  /**
   * Plan at 1,000,000 operations: Parallel Index Only Scan using operations_metrics_idx →
   * Partial GroupAggregate → Gather Merge → Finalize GroupAggregate. Grouped by the index's own
   * columns (not their ::text casts, which would make the planner sort a million rows first).
   */
  private async operations(): Promise<OperationGroup[]> {
    const rows = await this.db.$client`
      select type, version, status::text as status, blocked_kind::text as kind, count(*)::bigint as n,
        extract(epoch from now() - min(created_at) filter (where status in ${this.db.$client.unsafe(sqlList(IN_FLIGHT_STATUSES))})) as oldest
      from operations where not synthetic and version > 0
      group by type, version, status, blocked_kind`;
    return rows.map((r) => ({
      type: r.type as string,
      version: num(r.version),
      status: r.status as string,
      blockedKind: (r.kind as string | null) ?? null,
      count: num(r.n),
      oldestAgeS: numOrNull(r.oldest),
    }));
  }

  /**
   * Plan at 1,000,000 operations: Index Only Scan using operations_metrics_idx (Index Cond: status
   * = 'completed', one index search per type and version) → HashAggregate on (type, bucket).
   * date_part gives a float8 where extract(epoch …) gives a numeric, twice as slow per row here.
   */
  private async completion(): Promise<CompletionHistogram[]> {
    // width_bucket over the bounds: 0 → ≤ first bound … n → above the last (+Inf only).
    const bounds = `{${COMPLETION_BUCKETS_S.join(",")}}`;
    const rows = await this.db.$client`
      with d as (
        select type, date_part('epoch', completed_at - created_at) as s
        from operations where status = 'completed' and not synthetic and version > 0 and completed_at is not null
      )
      select type, width_bucket(s, ${bounds}::float8[]) as b, count(*)::bigint as n, sum(s) as total
      from d group by 1, 2`;
    const byType = new Map<string, CompletionHistogram>();
    for (const r of rows) {
      const type = r.type as string;
      let h = byType.get(type);
      if (!h) {
        h = { type, buckets: new Array(COMPLETION_BUCKETS_S.length + 1).fill(0), sumS: 0, count: 0 };
        byType.set(type, h);
      }
      // width_bucket gives i when bounds[i-1] <= s < bounds[i]; Prometheus buckets are s <= le,
      // the difference (exactly on a bound) is below a microsecond of a real duration.
      const b = num(r.b);
      for (let i = b; i <= COMPLETION_BUCKETS_S.length; i++) h.buckets[i]! += num(r.n);
      h.sumS += num(r.total);
      h.count += num(r.n);
    }
    return [...byType.values()];
  }

  private async steps(): Promise<StepGroup[]> {
    const since = uuidV7Floor(new Date(this.now().getTime() - STEP_WINDOW_MS));
    const rows = await this.db.$client`
      with recent as (
        select id, type from operations where id >= ${since}::uuid and not synthetic
        order by id desc limit ${STEP_SAMPLE_OPERATIONS}
      )
      select r.type, s.name,
        count(*) filter (where s.finished_at is not null)::bigint as finished,
        percentile_cont(0.5) within group (order by extract(epoch from s.finished_at - s.started_at)) as p50,
        percentile_cont(0.95) within group (order by extract(epoch from s.finished_at - s.started_at)) as p95,
        sum(s.attempts)::bigint as attempts, sum(greatest(s.attempts - 1, 0))::bigint as retries
      from recent r join steps s on s.operation_id = r.id
      group by 1, 2`;
    return rows.map((r) => ({
      type: r.type as string,
      step: r.name as string,
      finished: num(r.finished),
      p50S: numOrNull(r.p50),
      p95S: numOrNull(r.p95),
      attempts: num(r.attempts),
      retries: num(r.retries),
    }));
  }

  private async alerts() {
    const rows = await this.db.$client`
      select rule::text as rule, workflow_type, state::text as state, count(*)::bigint as n
      from alerts where resolved_at is null group by 1, 2, 3`;
    return rows.map((r) => ({
      rule: r.rule as string,
      type: r.workflow_type as string,
      state: r.state as string,
      count: num(r.n),
    }));
  }

  private async synthetic() {
    const rows = await this.db.$client`
      select workflow_type, outcome::text as outcome, count(*)::bigint as n
      from synthetic_runs where outcome is not null group by 1, 2`;
    return rows.map((r) => ({
      type: r.workflow_type as string,
      outcome: r.outcome as string,
      count: num(r.n),
    }));
  }

  private async syntheticLast() {
    const rows = await this.db.$client`
      select distinct on (workflow_type) workflow_type, accepted_ms, completed_ms, visible_ms
      from synthetic_runs where finished_at is not null
      order by workflow_type, started_at desc`;
    const s = (ms: unknown) => (ms === null ? null : num(ms) / 1000);
    return rows.map((r) => ({
      type: r.workflow_type as string,
      acceptedS: s(r.accepted_ms),
      completedS: s(r.completed_ms),
      visibleS: s(r.visible_ms),
    }));
  }

  /** pg-boss keeps per-queue counts in its queue table (its monitor pass refreshes them). */
  private async queues() {
    const [exists] = await this.db.$client`select to_regclass('pgboss.queue') is not null as ok`;
    if (!exists?.ok) return [];
    const rows = await this.db.$client`
      select name, queued_count, active_count, deferred_count, ready_oldest_seconds from pgboss.queue`;
    return rows.map((r) => ({
      queue: r.name as string,
      queued: num(r.queued_count),
      active: num(r.active_count),
      deferred: num(r.deferred_count),
      oldestReadyS: numOrNull(r.ready_oldest_seconds),
    }));
  }

  private async webhooks() {
    const rows = await this.db.$client`
      select status::text as status, count(*)::bigint as n from webhook_deliveries group by 1`;
    return rows.map((r) => ({ status: r.status as string, count: num(r.n) }));
  }
}
