import { OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { LagStats, TypeLag } from "./lag-presenter";
import { noLag } from "./lag-presenter";
import type { LagPoint } from "./lag-series-presenter";
import type { StatusCount } from "./status-counts-presenter";

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

/** What the panels read, per type, that the business table and the lag panel show side by side. */
export interface TypeFigures {
  counts: StatusCount[];
  lag: Map<string, TypeLag>;
  lagSeries: { hour: Map<string, LagPoint[]>; day: Map<string, LagPoint[]> };
  stuck: Map<string, number>;
  /** Blocked now because retries ran out. */
  exhaustedBlocked: Map<string, number>;
  /** Failed in the last 24 h because retries ran out. */
  exhaustedFailed: Map<string, number>;
}

/**
 * One row per workflow type, sorted by type: every registered type (so a quiet one shows its
 * zeros) and any type that has operations but is no longer registered (titled by its name).
 */
export function summarizeTypes(registry: WorkflowRegistry, f: TypeFigures): TypeSummary[] {
  const typeNames = new Set([...registry.list().map((w) => w.type), ...f.counts.map((c) => c.type)]);
  return [...typeNames].sort().map((type): TypeSummary => {
    const workflow = registry.latest(type);
    const counts = emptyCounts();
    for (const row of f.counts) if (row.type === type) counts[row.status] += row.n;
    return {
      type,
      title: workflow?.title ?? type,
      counts,
      stuck: f.stuck.get(type) ?? 0,
      retryExhausted: {
        blocked: f.exhaustedBlocked.get(type) ?? 0,
        failed24h: f.exhaustedFailed.get(type) ?? 0,
      },
      lag: f.lag.get(type) ?? noLag(),
      lagSeries: { hour: f.lagSeries.hour.get(type) ?? [], day: f.lagSeries.day.get(type) ?? [] },
      objectiveP95Ms: workflow?.objective.p95Ms ?? null,
    };
  });
}

/** Every status summed over the types. */
export function totalCounts(types: TypeSummary[]): Record<OperationStatus, number> {
  const totals = emptyCounts();
  for (const t of types) for (const s of OPERATION_STATUSES) totals[s] += t.counts[s];
  return totals;
}

function emptyCounts(): Record<OperationStatus, number> {
  return Object.fromEntries(OPERATION_STATUSES.map((s) => [s, 0])) as Record<OperationStatus, number>;
}
