import type { Db } from "@/db/client";
import type { OperationStatus } from "@/server/domain/statuses";
import { asDate, perRunnableStatus, uuidV7Floor } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";

const STUCK_ITEMS = 10;
/** Most stuck candidates read per (status, type): enough to count a bad day, bounded for a disaster. */
const STUCK_SCAN = 500;

export interface StuckItem {
  id: string;
  type: string;
  status: OperationStatus;
  reference: string | null;
  currentStep: string | null;
  since: Date;
  thresholdMs: number;
}

export interface Stuck {
  /** Stuck operations per type. */
  counts: Map<string, number>;
  /** The longest idle first, at most STUCK_ITEMS. */
  items: StuckItem[];
  /** Some (status, type) reached STUCK_SCAN candidates: the counts are "at least". */
  capped: boolean;
}

/**
 * Accepted or processing with no change for longer than the workflow's threshold. Only
 * operations accepted before that threshold can qualify (updated_at ≥ created_at), and ids
 * are UUIDv7, so each (status, type) is an id range on operations_status_type_idx; at most
 * STUCK_SCAN candidates per range have their row read, which bounds the cost when a whole
 * backlog is stuck (the count then reads as "at least"). No ORDER BY: with one, the planner
 * walked the primary key instead (27 s at 1,000,000 operations).
 */
export class StuckPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call({ now }: { now: Date }): Promise<Stuck> {
    const sql = this.db.$client;
    const workflows = this.registry.list();
    const types = workflows.map((w) => w.type);
    const thresholds = workflows.map((w) => w.stuckAfterMs);
    const floors = workflows.map((w) => uuidV7Floor(new Date(now.getTime() - w.stuckAfterMs)));
    const candidates = await sql<(Omit<StuckItem, "since"> & { since: string; stuck: boolean })[]>`
      select c.id, t.type, c.status, c.reference, c.current_step as "currentStep", c.updated_at as since,
        t.ms::int as "thresholdMs",
        c.updated_at < ${now.toISOString()}::timestamptz - t.ms * interval '1 millisecond' as stuck
      from unnest(${types}::text[], ${thresholds}::bigint[], ${floors}::uuid[]) as t(type, ms, floor)
      cross join lateral (${perRunnableStatus(
        sql,
        (status) => sql`
          select o.id, o.status, o.reference, o.current_step, o.updated_at from operations o
          where o.status = ${status} and o.type = t.type and o.id < t.floor and not o.synthetic
          limit ${STUCK_SCAN}`,
      )}) c`;
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
}
