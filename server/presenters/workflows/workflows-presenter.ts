import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import type { SyntheticOutcome } from "@/server/domain/alerts";
import { IN_FLIGHT_STATUSES } from "@/server/domain/statuses";
import { asDate, asNumberOrNull } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { workflowStory } from "./story";

const DAY_MS = 24 * 3_600_000;
/** The synthetic runs a type's row shows (its small chart): the last half hour at one a minute. */
export const SYNTHETIC_RUNS_SHOWN = 30;

/** One synthetic check run as the Workflows page draws it; outcome null while it runs. */
export interface SyntheticRunPoint {
  startedAt: Date;
  outcome: SyntheticOutcome | null;
  visibleMs: number | null;
  error: string | null;
}

export interface WorkflowVersionStats {
  version: number;
  /** Registered in this build (an unregistered version with work in flight needs attention). */
  registered: boolean;
  inFlight: number;
}

export interface WorkflowSummary {
  type: string;
  title: string;
  description: string;
  latestVersion: number;
  completion: string;
  versions: WorkflowVersionStats[];
  /** Last 24 h: completed / (completed + failed), null when nothing finished. */
  successRate: number | null;
  finished24h: number;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  objectiveP95Ms: number;
  /** The type's synthetic check (its definition opts in): the interval and the latest runs, oldest first. */
  synthetic: { everyMs: number; runs: SyntheticRunPoint[] } | null;
}

/**
 * Each workflow type with its versions, in-flight work and recent health (the Workflows page).
 * Success and lag leave synthetic operations out (operations_type_completed_idx); its synthetic
 * check's latest runs come with it. In-flight counts keep them: a version with work is a version.
 */
export class WorkflowsPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async call(): Promise<WorkflowSummary[]> {
    const sql = this.db.$client;
    const since = new Date(this.now().getTime() - DAY_MS).toISOString();
    const checked = this.registry
      .list()
      .filter((w) => w.synthetic)
      .map((w) => w.type);
    const [inFlight, finished, runs] = await Promise.all([
      sql<{ type: string; version: number; n: number }[]>`
        select type, version, count(*)::int as n from operations
        where status in ${sql.unsafe(sqlList(IN_FLIGHT_STATUSES))} group by 1, 2`,
      sql<{ type: string; completed: number; failed: number; p50: string | null; p95: string | null }[]>`
        select type, count(*) filter (where status = 'completed')::int as completed,
          count(*) filter (where status = 'failed')::int as failed,
          percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at) * 1000)
            filter (where status = 'completed') as p50,
          percentile_cont(0.95) within group (order by extract(epoch from completed_at - created_at) * 1000)
            filter (where status = 'completed') as p95
        from operations where completed_at >= ${since}::timestamptz and completed_at is not null
          and not synthetic
        group by type`,
      // The type's newest runs by synthetic_runs_type_idx (workflow_type, started_at desc).
      sql<(Omit<SyntheticRunPoint, "startedAt"> & { type: string; startedAt: string })[]>`
        select t.type, r.started_at as "startedAt", r.outcome, r.visible_ms as "visibleMs", r.error
        from unnest(${checked}::text[]) as t(type)
        cross join lateral (
          select started_at, outcome, visible_ms, error from synthetic_runs
          where workflow_type = t.type order by started_at desc limit ${SYNTHETIC_RUNS_SHOWN}) r`,
    ]);
    return this.registry.list().map((latest) => {
      const registered = this.registry
        .all()
        .filter((d) => d.type === latest.type)
        .map((d) => d.version);
      const flying = inFlight.filter((r) => r.type === latest.type);
      const versions = [...new Set([...registered, ...flying.map((r) => r.version)])]
        .sort((a, b) => b - a)
        .map((version) => ({
          version,
          registered: registered.includes(version),
          inFlight: flying.find((r) => r.version === version)?.n ?? 0,
        }));
      const f = finished.find((r) => r.type === latest.type);
      const done = (f?.completed ?? 0) + (f?.failed ?? 0);
      return {
        type: latest.type,
        title: latest.title,
        description: latest.description,
        latestVersion: latest.version,
        completion: workflowStory(latest).completion,
        versions,
        successRate: done > 0 ? (f?.completed ?? 0) / done : null,
        finished24h: done,
        lagP50Ms: asNumberOrNull(f?.p50),
        lagP95Ms: asNumberOrNull(f?.p95),
        objectiveP95Ms: latest.objective.p95Ms,
        synthetic: latest.synthetic
          ? {
              everyMs: latest.synthetic.everyMs,
              runs: runs
                .filter((r) => r.type === latest.type)
                .map(({ type: _type, ...r }) => ({ ...r, startedAt: asDate(r.startedAt) }))
                .reverse(),
            }
          : null,
      };
    });
  }
}
