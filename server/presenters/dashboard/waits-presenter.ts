import type { Db } from "@/db/client";
import type { WaitKind } from "@/server/domain/waits";
import { asDate } from "@/server/presenters/rows";

/** Operations waiting on one outside system (or the clock) for one workflow type. */
export interface WaitingGroup {
  type: string;
  /** The system waited on (`carrier`), `clock` for timers, `customer` for an end user's answer. */
  target: string;
  kind: WaitKind;
  waiting: number;
  /** When the oldest open wait of the group opened; its age is the panel's figure. */
  oldestSince: Date;
  /** Past their deadline but not yet expired by the worker (the stuck rule names them). */
  overdue: number;
}

/** At most this many groups (types × systems); more is a page of its own. */
const GROUPS = 50;

/**
 * The dashboard's waits panel: per workflow type and outside system, how many operations wait
 * (durable waits, server/waits) and since when the oldest does. Reads only open waits (the
 * partial index `waits_open_target_idx`) of operations still processing, so a wait its operation
 * left behind (cancelled meanwhile) is not counted.
 */
export class WaitsPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<WaitingGroup[]> {
    const rows = await this.db.$client<
      { type: string; target: string; kind: WaitKind; waiting: number; oldest: string; overdue: number }[]
    >`
      select o.type, w.target, w.kind, count(*)::int as waiting, min(w.created_at)::text as oldest,
        count(*) filter (where w.deadline_at <= now())::int as overdue
      from waits w join operations o on o.id = w.operation_id
      where w.state = 'waiting' and o.status = 'processing'
      group by o.type, w.target, w.kind
      order by min(w.created_at) limit ${GROUPS}`;
    return rows.map((r) => ({
      type: r.type,
      target: r.target,
      kind: r.kind,
      waiting: r.waiting,
      oldestSince: asDate(r.oldest),
      overdue: r.overdue,
    }));
  }
}
