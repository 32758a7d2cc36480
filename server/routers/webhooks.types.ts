import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
} from "@/server/domain/webhook-events";
import { MAX_WEBHOOK_URL_LENGTH } from "@/server/webhooks/endpoints";

const ZReason = z.string().max(MAX_REASON_LENGTH + 100);
const ZEndpointId = z.uuid();
/** A bigserial id as JavaScript holds it exactly. */
const ZDeliveryId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const ZEndpointRow = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  workflowTypes: z.array(z.string()).nullable(),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  pending: z.number().int(),
  dead: z.number().int(),
  lastAttemptAt: z.date().nullable(),
});
export const ZListEndpointsResponseSchema = z.object({ endpoints: z.array(ZEndpointRow) });

export const ZRegisterEndpointRequestSchema = z.strictObject({
  url: z.string().trim().min(1).max(MAX_WEBHOOK_URL_LENGTH),
  description: z.string().trim().max(500).optional(),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length),
  /** Only these workflow types; absent or empty: every type. */
  workflowTypes: z.array(z.string().min(1).max(100)).max(100).nullish(),
  format: z.enum(WEBHOOK_FORMATS).optional(),
});
/** The signing secret is in this answer only: it is never shown again. */
export const ZRegisterEndpointResponseSchema = z.object({ endpointId: z.string(), secret: z.string() });

export const ZSetEndpointEnabledRequestSchema = z.strictObject({
  endpointId: ZEndpointId,
  enabled: z.boolean(),
  reason: ZReason,
});
export const ZSetEndpointEnabledResponseSchema = z.object({ enabled: z.boolean() });

export const ZDeliveriesRequestSchema = z.strictObject({
  endpointId: ZEndpointId,
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).nullish(),
  beforeId: ZDeliveryId.nullish(),
  limit: z.number().int().min(1).max(200).optional(),
});
export const ZDeliveriesResponseSchema = z.object({
  deliveries: z.array(
    z.object({
      id: z.number().int(),
      messageId: z.string(),
      type: z.string(),
      operationId: z.string().nullable(),
      status: z.enum(WEBHOOK_DELIVERY_STATUSES),
      attempts: z.number().int(),
      /** Null while the endpoint is disabled. */
      nextAttemptAt: z.date().nullable(),
      deliveredAt: z.date().nullable(),
      createdAt: z.date(),
      log: z.array(
        z.object({
          attempt: z.number().int(),
          statusCode: z.number().int().nullable(),
          latencyMs: z.number().int(),
          responseExcerpt: z.string().nullable(),
          error: z.string().nullable(),
          at: z.date(),
        }),
      ),
    }),
  ),
  nextBeforeId: z.number().int().nullable(),
});

export const ZRedeliverRequestSchema = z.strictObject({ deliveryId: ZDeliveryId, reason: ZReason });
export const ZRedeliverResponseSchema = z.object({
  deliveryId: z.number().int(),
  /** The endpoint is disabled: the delivery waits until it is re-enabled. */
  parked: z.boolean(),
});
