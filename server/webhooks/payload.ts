import { Webhook } from "standardwebhooks";
import type { WebhookFormat } from "@/server/domain/webhook-events";

/** One outbox event as the deliverer reads it. */
export interface OutboxMessage {
  /** The Standard Webhooks `webhook-id` (`msg_…`), the same on every retry and redelivery. */
  messageId: string;
  type: string;
  createdAt: Date;
  data: Record<string, unknown>;
}

/**
 * The body of a delivery. Standard: the spec's recommended envelope `{ type, timestamp, data }`
 * (timestamp: when the change committed, not when this try left). Slack: an incoming-webhook
 * `{ text }` with a link into the console when THROUGHLINE_PUBLIC_URL says where it is.
 */
export function deliveryBody(
  format: WebhookFormat,
  message: OutboxMessage,
  publicUrl: string | null,
): string {
  if (format === "slack") return JSON.stringify({ text: slackText(message, publicUrl) });
  return JSON.stringify({
    type: message.type,
    timestamp: message.createdAt.toISOString(),
    data: message.data,
  });
}

/**
 * The three Standard Webhooks headers (signed with the `standardwebhooks` library: v1, HMAC-SHA256
 * over `id.timestamp.body`). The timestamp is this try's, so a receiver's replay window holds for
 * a retry hours later; the id stays the event's, so the receiver can drop a duplicate.
 */
export function signedHeaders(
  secret: string,
  messageId: string,
  at: Date,
  body: string,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "Throughline-Webhooks/1",
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(messageId, at, body),
  };
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/** Slack's mrkdwn escapes (`&`, `<`, `>`), so a subject cannot forge a link. */
const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function slackText(message: OutboxMessage, publicUrl: string | null): string {
  const d = message.data;
  const base = publicUrl ? publicUrl.replace(/\/+$/, "") : null;
  const link = (path: string, label: string) => (base ? ` <${base}${path}|${label}>` : "");
  if (message.type.startsWith("operation.")) {
    const id = str(d.operationId) ?? "?";
    const name = esc(str(d.reference) ?? str(d.subject) ?? id);
    const type = esc(str(d.workflowType) ?? "");
    const reason = str(d.blockedReason) ? ` — ${esc(str(d.blockedReason)!)}` : "";
    return `Operation ${name} (${type}) is ${esc(str(d.status) ?? "changed")}${reason}.${link(`/operations/${id}`, "Open")}`;
  }
  if (message.type.startsWith("alert.")) {
    const state = message.type === "alert.firing" ? "Alert firing" : "Alert resolved";
    const what = esc(str(d.summary) ?? str(d.rule) ?? "an alert");
    const id = str(d.alertId);
    return `${state}: ${what}.${id ? link(`/alerts/${id}`, "Open") : ""}`;
  }
  return `${esc(message.type)}${link("/", "Open Throughline")}`;
}
