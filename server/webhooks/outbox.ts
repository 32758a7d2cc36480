import type { Tx } from "@/db/transaction";
import type { WebhookEventType } from "@/server/domain/webhook-events";

/** One event to the outside world: its type, what it concerns, and its JSON payload. */
export interface OutboxEvent {
  type: WebhookEventType;
  /** The operation it reports on (deliveries of one operation leave in order), if any. */
  operationId?: string | null;
  /** For endpoints limited to some workflow types (an alert's type, an operation's type). */
  workflowType?: string | null;
  data: Record<string, unknown>;
}

/**
 * Writes events in the caller's transaction, so they leave if and only if the change they
 * report commits. Fan-out to the endpoints that want each event happens in the same statement
 * (`throughline_webhook_emit`, migration 0009; operation status changes are written by the
 * trigger there, not through this function).
 */
export async function writeOutbox(tx: Tx, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.sql`
    select throughline_webhook_emit(e.type, e.operation_id, e.workflow_type, e.data)
    from jsonb_to_recordset(${JSON.stringify(
      events.map((e, n) => ({
        n,
        type: e.type,
        operation_id: e.operationId ?? null,
        workflow_type: e.workflowType ?? null,
        data: e.data,
      })),
    )}::jsonb) as e(n int, type text, operation_id uuid, workflow_type text, data jsonb)
    order by e.n`;
}
