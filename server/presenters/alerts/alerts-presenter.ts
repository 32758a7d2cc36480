import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import type { AlertRuleName, AlertState } from "@/server/domain/alerts";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import { type AlertRow, alertRowColumns, toAlertRow } from "./alert-row";

/** How far back the list shows resolved alerts, and how many. */
export const RECENT_RESOLVED_MS = 7 * 86_400_000;
const RESOLVED_LIMIT = 50;
const OPEN_LIMIT = 200;

export interface AlertsFilter {
  state?: AlertState | null;
  rule?: AlertRuleName | null;
  type?: string | null;
}

export interface AlertsList {
  /** The live feed's position before this read: the page subscribes from here. */
  cursor: FeedCursor;
  /** Firing and not silenced: the number the navigation and the dashboard show. */
  firing: number;
  acknowledged: number;
  silenced: number;
  /** Firing and acknowledged, newest first (within the filter). */
  open: AlertRow[];
  /** Resolved in the last seven days, newest first (within the filter). */
  resolved: AlertRow[];
}

/**
 * The Alerts page (and the navigation's and dashboard's count): open alerts through the
 * unique partial index's rows (few: one per rule, type and scope), recent resolved ones by
 * alerts_fired_idx. The counts ignore the filter, so the navigation reads the same everywhere.
 */
export class AlertsPresenter {
  constructor(private readonly db: Db) {}

  async call(filter: AlertsFilter = {}): Promise<AlertsList> {
    const sql = this.db.$client as Sql;
    const state = filter.state ?? null;
    const rule = filter.rule ?? null;
    const type = filter.type ?? null;
    const cursor = await currentCursor(sql);
    const [counts] = await sql<{ firing: number; acknowledged: number; silenced: number }[]>`
      select count(*) filter (where state = 'firing' and not silenced)::int as firing,
             count(*) filter (where state = 'acknowledged' and not silenced)::int as acknowledged,
             count(*) filter (where silenced)::int as silenced
      from (select state, coalesce(silenced_until > now(), false) as silenced from alerts
            where resolved_at is null) o`;
    const open =
      state === "resolved"
        ? []
        : await sql<Omit<AlertRow, "affectedFilter">[]>`
      select ${alertRowColumns(sql)} from alerts a
      where a.resolved_at is null
        and (${state}::alert_state is null or a.state = ${state}::alert_state)
        and (${rule}::alert_rule is null or a.rule = ${rule}::alert_rule)
        and (${type}::text is null or a.workflow_type = ${type}::text)
      order by (a.state = 'firing') desc, a.fired_at desc limit ${OPEN_LIMIT}`;
    const resolved =
      state && state !== "resolved"
        ? []
        : await sql<Omit<AlertRow, "affectedFilter">[]>`
      select ${alertRowColumns(sql)} from alerts a
      where a.resolved_at is not null
        and a.fired_at > now() - ${RECENT_RESOLVED_MS} * interval '1 millisecond'
        and (${rule}::alert_rule is null or a.rule = ${rule}::alert_rule)
        and (${type}::text is null or a.workflow_type = ${type}::text)
      order by a.fired_at desc limit ${RESOLVED_LIMIT}`;
    return {
      cursor,
      firing: counts?.firing ?? 0,
      acknowledged: counts?.acknowledged ?? 0,
      silenced: counts?.silenced ?? 0,
      open: open.map(toAlertRow),
      resolved: resolved.map(toAlertRow),
    };
  }
}
