import type { Db } from "@/db/client";
import type { WebhookDeliveryStatus, WebhookFormat } from "@/server/domain/webhook-events";
import { asDate, asDateOrNull } from "../rows";

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  workflowTypes: string[] | null;
  format: WebhookFormat;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdBy: string | null;
  createdAt: Date;
  pending: number;
  dead: number;
  lastAttemptAt: Date | null;
}

/** The webhooks page: every endpoint with what waits and what died. Never the secret. */
export class WebhookEndpointsPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<WebhookEndpointRow[]> {
    const rows = await this.db.$client<
      (Omit<WebhookEndpointRow, "createdAt" | "lastAttemptAt"> & {
        createdAt: string;
        lastAttemptAt: string | null;
      })[]
    >`
      select e.id, e.url, e.description, e.event_types as "eventTypes", e.workflow_types as "workflowTypes",
        e.format, e.enabled, e.disabled_reason as "disabledReason", e.consecutive_failures as "consecutiveFailures",
        e.created_by as "createdBy", e.created_at as "createdAt",
        (select count(*)::int from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'pending') as pending,
        (select count(*)::int from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'dead') as dead,
        (select max(a.at) from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
          where d.endpoint_id = e.id) as "lastAttemptAt"
      from webhook_endpoints e order by e.created_at desc, e.id`;
    return rows.map((r) => ({
      ...r,
      createdAt: asDate(r.createdAt),
      lastAttemptAt: asDateOrNull(r.lastAttemptAt),
    }));
  }
}

export interface WebhookAttemptRow {
  attempt: number;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  at: Date;
}

export interface WebhookDeliveryRow {
  id: number;
  messageId: string;
  type: string;
  operationId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** Null while its endpoint is disabled (parked until re-enabled). */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  log: WebhookAttemptRow[];
}

/** One endpoint's delivery log, newest first (keyset pages by delivery id), each with every try. */
export class WebhookDeliveriesPresenter {
  constructor(private readonly db: Db) {}

  async call(input: {
    endpointId: string;
    status?: WebhookDeliveryStatus | null;
    beforeId?: number | null;
    limit?: number;
  }): Promise<{ deliveries: WebhookDeliveryRow[]; nextBeforeId: number | null }> {
    const limit = input.limit ?? 50;
    const rows = await this.db.$client<
      {
        id: string;
        messageId: string;
        type: string;
        operationId: string | null;
        status: WebhookDeliveryStatus;
        attempts: number;
        nextAttemptAt: string;
        deliveredAt: string | null;
        createdAt: string;
        log: {
          attempt: number;
          statusCode: number | null;
          latencyMs: number;
          responseExcerpt: string | null;
          error: string | null;
          at: string;
        }[];
      }[]
    >`
      select d.id::text, o.message_id as "messageId", o.type, d.operation_id as "operationId", d.status::text as status,
        d.attempts, d.next_attempt_at as "nextAttemptAt", d.delivered_at as "deliveredAt", d.created_at as "createdAt",
        coalesce((select jsonb_agg(jsonb_build_object('attempt', a.attempt, 'statusCode', a.status_code,
            'latencyMs', a.latency_ms, 'responseExcerpt', a.response_excerpt, 'error', a.error, 'at', a.at)
            order by a.id)
          from webhook_attempts a where a.delivery_id = d.id), '[]'::jsonb) as log
      from webhook_deliveries d join webhook_outbox o on o.id = d.outbox_id
      where d.endpoint_id = ${input.endpointId}
        and (${input.status ?? null}::webhook_delivery_status is null or d.status = ${input.status ?? null}::webhook_delivery_status)
        and (${input.beforeId ?? null}::bigint is null or d.id < ${input.beforeId ?? null}::bigint)
      order by d.id desc limit ${limit + 1}`;
    const deliveries = rows.slice(0, limit).map((r) => ({
      ...r,
      id: Number(r.id),
      // An alert's events are lined up by the alert's id in the same column: not an operation.
      operationId: r.type.startsWith("operation.") ? r.operationId : null,
      nextAttemptAt: r.nextAttemptAt === "infinity" ? null : asDate(r.nextAttemptAt),
      deliveredAt: asDateOrNull(r.deliveredAt),
      createdAt: asDate(r.createdAt),
      // drizzle's pool leaves jsonb as text on raw queries.
      log: (typeof r.log === "string" ? (JSON.parse(r.log) as typeof r.log) : r.log).map((a) => ({
        ...a,
        at: asDate(a.at),
      })),
    }));
    return { deliveries, nextBeforeId: rows.length > limit ? deliveries.at(-1)!.id : null };
  }
}
