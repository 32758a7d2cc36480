import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import type { AlertHistoryKind } from "@/server/domain/alerts";
import type { OperationStatus } from "@/server/domain/statuses";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import { asDate } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { type AlertRow, alertRowColumns, toAlertRow } from "./alert-row";

export interface AlertDetail extends AlertRow {
  /** The live feed's position before this read. */
  cursor: FeedCursor;
  acknowledgeNote: string | null;
  silencedBy: string | null;
  silenceReason: string | null;
  /** Every state change, oldest first. */
  history: { id: number; kind: AlertHistoryKind; actor: string; note: string | null; at: Date }[];
  affected: {
    /** As of the last evaluation (capped at the evaluator's scan: "at least" past it). */
    count: number;
    oldestAt: Date | null;
    /** The oldest affected operations, oldest first, as they are now. */
    oldest: { id: string; reference: string | null; status: OperationStatus; updatedAt: Date }[];
  };
  workflowTitle: string | null;
  /** The workflow's runbook (Markdown), null for the fleet-wide rule or an unknown type. */
  runbook: string | null;
}

/** One alert for its detail page: history, affected operations and the runbook. */
export class AlertPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call(id: string): Promise<AlertDetail | null> {
    const sql = this.db.$client as Sql;
    const cursor = await currentCursor(sql);
    const [row] = await sql<
      (Omit<AlertRow, "affectedFilter"> & {
        acknowledgeNote: string | null;
        silencedBy: string | null;
        silenceReason: string | null;
        sample: string[];
      })[]
    >`
      select ${alertRowColumns(sql)}, a.acknowledge_note as "acknowledgeNote",
        case when a.silenced_until > now() then a.silenced_by end as "silencedBy",
        case when a.silenced_until > now() then a.silence_reason end as "silenceReason", a.sample
      from alerts a where a.id = ${id}`;
    if (!row) return null;
    const history = await sql<AlertDetail["history"]>`
      select id::int as id, kind, actor, note, at from alert_history where alert_id = ${id} order by id`;
    const sample = Array.isArray(row.sample) ? row.sample.slice(0, 10) : [];
    const oldest =
      sample.length === 0
        ? []
        : await sql<AlertDetail["affected"]["oldest"]>`
      select id, reference, status, updated_at as "updatedAt" from operations where id = any(${sample}::uuid[])`;
    // The sample's order is the evaluator's (oldest first); keep it.
    oldest.sort((a, b) => sample.indexOf(a.id) - sample.indexOf(b.id));
    const workflow = this.registry.latest(row.workflowType);
    const { sample: _sample, ...alert } = toAlertRow(row);
    return {
      ...alert,
      cursor,
      history: history.map((h) => ({ ...h, at: asDate(h.at) })),
      affected: {
        count: row.affectedCount,
        oldestAt: alert.oldestAt,
        oldest: oldest.map((o) => ({ ...o, updatedAt: asDate(o.updatedAt) })),
      },
      workflowTitle: workflow?.title ?? null,
      runbook: workflow?.runbook ?? null,
    };
  }
}
