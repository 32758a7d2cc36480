/**
 * The events Throughline sends to the outside world (outbound webhooks). A closed set: an
 * endpoint subscribes to some of these, the outbox stores one of these per row.
 */
export const WEBHOOK_EVENT_TYPES = [
  "operation.status_changed",
  "operation.blocked",
  "operation.completed",
  "operation.failed",
  "alert.firing",
  "alert.resolved",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** How a delivery is shaped: the Standard Webhooks JSON body, or a Slack-compatible `{ text }`. */
export const WEBHOOK_FORMATS = ["standard", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A delivery's lifecycle: waiting (first try or a retry), delivered, or given up on. */
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "dead"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
