import type { Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { type AuditActor, appendAudit, type RequestMeta } from "@/server/audit/write";
import { ALERTS_CHANNEL } from "@/server/domain/alerts";

export type AlertCommandResult =
  | { type: "done" }
  | { type: "not_found" }
  | { type: "resolved" }
  | { type: "invalid"; message: string };

interface CommandOptions {
  alertId: string;
  actor: AuditActor;
  request: RequestMeta;
  reason: string;
  now?: Date;
}

const MAX_SILENCE_MS = 30 * 86_400_000;

/**
 * firing → acknowledged (who, when, the note), audited in the same transaction. A resolved
 * alert is history and cannot be acknowledged; acknowledging twice keeps the first.
 */
export async function acknowledgeAlert(db: Db, o: CommandOptions): Promise<AlertCommandResult> {
  return change(db, o, "acknowledged", "alert_acknowledged", async (sql, at) => {
    await sql`update alerts set state = 'acknowledged', acknowledged_at = ${at}, acknowledged_by = ${o.actor.label},
      acknowledge_note = ${o.reason}, updated_at = ${at} where id = ${o.alertId} and state = 'firing'`;
  });
}

/** Hidden from counts and the navigation until `until` (at most 30 days ahead), with a reason; audited. */
export async function silenceAlert(db: Db, o: CommandOptions & { until: Date }): Promise<AlertCommandResult> {
  const now = o.now ?? new Date();
  if (!(o.until.getTime() > now.getTime()) || o.until.getTime() - now.getTime() > MAX_SILENCE_MS)
    return { type: "invalid", message: "A silence ends in the future, at most 30 days from now." };
  return change(
    db,
    o,
    "silenced",
    "alert_silenced",
    async (sql, at) => {
      await sql`update alerts set silenced_until = ${o.until.toISOString()}, silenced_by = ${o.actor.label},
      silence_reason = ${o.reason}, updated_at = ${at} where id = ${o.alertId}`;
    },
    { until: o.until.toISOString() },
  );
}

async function change(
  db: Db,
  o: CommandOptions,
  kind: "acknowledged" | "silenced",
  action: "alert_acknowledged" | "alert_silenced",
  apply: (sql: import("postgres").TransactionSql, at: string) => Promise<void>,
  data: Record<string, unknown> = {},
): Promise<AlertCommandResult> {
  if (o.reason.trim().length < 3)
    return { type: "invalid", message: "Give a reason of at least 3 characters." };
  const now = o.now ?? new Date();
  const at = now.toISOString();
  return transaction(db, async (tx) => {
    const [alert] = await tx.sql<
      { id: string; rule: string; workflowType: string; resolvedAt: string | null }[]
    >`
      select id, rule, workflow_type as "workflowType", resolved_at as "resolvedAt" from alerts
      where id = ${o.alertId} for update`;
    if (!alert) return { type: "not_found" } as const;
    if (alert.resolvedAt) return { type: "resolved" } as const;
    await apply(tx.sql as import("postgres").TransactionSql, at);
    await tx.sql`insert into alert_history (alert_id, kind, actor, note, data, at)
      values (${o.alertId}, ${kind}, ${o.actor.label}, ${o.reason}, ${JSON.stringify(data)}::jsonb, ${at})`;
    await appendAudit(
      tx,
      {
        actor: o.actor,
        action,
        request: o.request,
        reason: o.reason,
        workflowType: alert.workflowType,
        details: { alertId: alert.id, rule: alert.rule, ...data },
      },
      now,
    );
    await tx.sql`select pg_notify(${ALERTS_CHANNEL}, ${o.alertId})`;
    return { type: "done" } as const;
  });
}
