import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import { IN_FLIGHT_STATUSES } from "@/server/domain/statuses";
import { asNumberOrNull } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { workflowStory } from "./story";

const DAY_MS = 24 * 3_600_000;

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
}

/** Each workflow type with its versions, in-flight work and recent health (the Workflows page). */
export class WorkflowsPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async call(): Promise<WorkflowSummary[]> {
    const sql = this.db.$client;
    const since = new Date(this.now().getTime() - DAY_MS).toISOString();
    const [inFlight, finished] = await Promise.all([
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
        group by type`,
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
      };
    });
  }
}
