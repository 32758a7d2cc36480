import type { Db } from "@/db/client";
import { type Tx, transaction } from "@/db/transaction";
import { appendAudit, NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import type { WebhookFormat } from "@/server/domain/webhook-events";

/**
 * What happens after a delivery's try (deliver.ts sends it): the delivery and the deliveries
 * behind it settled, the try logged, the endpoint's failure count moved — or its deliveries parked.
 */

/** How deliveries are tried, retried and given up on. */
export interface DeliveryPolicy {
  /** Tries of one delivery before it is dead. */
  maxAttempts: number;
  /** Failed tries in a row to one endpoint (any delivery) before the endpoint is disabled. */
  disableAfterFailures: number;
  /** Backoff before try n+1: baseDelayMs · 2^(n−1), at most maxDelayMs, jittered down to half. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One request, body read included. The lease outlives it, so a live deliverer keeps its claim. */
  timeoutMs: number;
  /** How long a claim lasts: a crashed deliverer's deliveries are due again after it. */
  leaseMs: number;
  /** Bytes of an answer read; characters of it kept in the attempts log. */
  maxBodyBytes: number;
  excerptChars: number;
  /** Deliveries claimed per pass, and sent at once. */
  batch: number;
  concurrency: number;
}

export interface Claimed {
  id: number;
  attempts: number;
  endpointId: string;
  operationId: string | null;
  url: string;
  secret: string;
  format: WebhookFormat;
  messageId: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown> | string;
}

export interface Answer {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfterMs: number | null;
}

/** The delay before try `attempts + 1`: exponential, capped, jittered (half to full), at least a Retry-After. */
export function backoffMs(
  attempts: number,
  policy: DeliveryPolicy,
  random: () => number,
  retryAfter: number | null,
) {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(full * (0.5 + random() / 2));
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfter ?? 0));
}

/**
 * Records the try and settles the delivery and its endpoint in one transaction, if the claim is
 * still ours (same lease): otherwise another deliverer owns the delivery now and this answer is
 * dropped — the receiver may have had it twice, which at-least-once allows and the webhook-id marks.
 */
export async function settle(
  db: Db,
  d: Claimed,
  answer: Answer,
  leaseUntil: Date,
  policy: DeliveryPolicy,
  at: Date,
  random: () => number,
): Promise<{ status: "delivered" | "pending" | "dead"; disabled: boolean } | null> {
  if (answer.ok)
    return (await settleDelivered(db, d, answer, leaseUntil, at))
      ? { status: "delivered", disabled: false }
      : null;
  return transaction(db, async (tx) => {
    const attempt = d.attempts + 1;
    const status = attempt >= policy.maxAttempts ? "dead" : "pending";
    const next = new Date(at.getTime() + backoffMs(attempt, policy, random, answer.retryAfterMs));
    // The endpoint's state as of now, held (KEY SHARE) until this commits: an admin disabling or
    // re-enabling it (FOR UPDATE, WebhookEndpointService.setEnabled) waits for this settle, or this
    // waits for that change and reads its outcome. A try that was in flight when its endpoint was
    // disabled is parked with the rest, not rescheduled, and its followers stay parked.
    const [row] = await tx.sql<{ id: number; enabled: boolean }[]>`
      with e as (select enabled from webhook_endpoints where id = ${d.endpointId} for key share)
      update webhook_deliveries d set status = ${status}, attempts = ${attempt}, lease_until = null,
        next_attempt_at = case when ${status}::text = 'pending' and not e.enabled
          then 'infinity'::timestamptz
          else ${status === "pending" ? next.toISOString() : at.toISOString()}::timestamptz end
      from e
      where d.id = ${d.id} and d.status = 'pending' and d.lease_until = ${leaseUntil.toISOString()}::timestamptz
      returning d.id, e.enabled`;
    if (!row) return null;
    if (row.enabled) await moveFollowers(tx, d, status === "pending" ? next : at, status === "pending");
    await tx.sql`insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt, error, at)
      values (${d.id}, ${attempt}, ${answer.statusCode}, ${answer.latencyMs}, ${answer.excerpt}, ${answer.error},
        ${at.toISOString()}::timestamptz)`;
    // NO KEY UPDATE, not UPDATE: it must not wait for the KEY SHARE other settles of this
    // endpoint hold (each would wait for the other's); it still serialises the failure counts.
    const [endpoint] = await tx.sql<{ failures: number; wasEnabled: boolean }[]>`
      with before as (select enabled from webhook_endpoints where id = ${d.endpointId} for no key update)
      update webhook_endpoints e set consecutive_failures = e.consecutive_failures + 1, updated_at = ${at.toISOString()}::timestamptz
      from before where e.id = ${d.endpointId}
      returning e.consecutive_failures as failures, before.enabled as "wasEnabled"`;
    const disabled = !!endpoint && endpoint.wasEnabled && endpoint.failures >= policy.disableAfterFailures;
    if (disabled) {
      const reason = `${endpoint.failures} failed deliveries in a row; the last: ${
        answer.statusCode !== null ? `HTTP ${answer.statusCode}` : answer.error
      }`.slice(0, 500);
      await tx.sql`update webhook_endpoints set enabled = false, disabled_reason = ${reason}
        where id = ${d.endpointId}`;
      await parkDeliveries(tx, d.endpointId);
      await appendAudit(
        tx,
        {
          actor: SYSTEM_ACTOR,
          action: "webhook_endpoint_disabled",
          request: NO_REQUEST,
          reason,
          details: { endpointId: d.endpointId, automatic: true, consecutiveFailures: endpoint.failures },
        },
        at,
      );
    }
    return { status, disabled };
  });
}

/**
 * `settle` for a 2xx, the common case, in one statement (its own transaction): the delivery
 * delivered, the operation's next event due now (moveFollowers' settled case, unless the endpoint
 * is disabled: then they stay parked), the try logged, the endpoint's failure count reset. One
 * round trip instead of six (BEGIN, four statements, COMMIT): the deliverer's throughput is
 * mostly these. The same KEY SHARE on the endpoint as `settle`. False when the lease was lost.
 */
async function settleDelivered(
  db: Db,
  d: Claimed,
  answer: Answer,
  leaseUntil: Date,
  at: Date,
): Promise<boolean> {
  const atIso = at.toISOString();
  const rows = await db.$client<{ id: number }[]>`
    with e as (select enabled from webhook_endpoints where id = ${d.endpointId} for key share),
    u as (
      update webhook_deliveries w set status = 'delivered', attempts = ${d.attempts + 1}, lease_until = null,
        next_attempt_at = ${atIso}::timestamptz, delivered_at = ${atIso}::timestamptz
      from e
      where w.id = ${d.id} and w.status = 'pending' and w.lease_until = ${leaseUntil.toISOString()}::timestamptz
      returning w.id, e.enabled
    ),
    followers as (
      update webhook_deliveries w set next_attempt_at = ${atIso}::timestamptz
      from u
      where u.enabled and w.endpoint_id = ${d.endpointId} and w.operation_id = ${d.operationId}::uuid
        and w.status = 'pending' and w.id > ${d.id} and w.attempts = 0 and w.next_attempt_at > ${atIso}::timestamptz
    ),
    logged as (
      insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt, error, at)
      select u.id, ${d.attempts + 1}, ${answer.statusCode}, ${answer.latencyMs}, ${answer.excerpt}, null,
        ${atIso}::timestamptz from u
    ),
    reset as (
      update webhook_endpoints set consecutive_failures = 0
      where id = ${d.endpointId} and consecutive_failures <> 0 and exists (select 1 from u)
    )
    select id from u`;
  return rows.length > 0;
}

/**
 * The deliveries waiting behind `d` (same endpoint and operation) move with it: pushed back to its
 * retry time while it backs off, due at `when` once it is settled. So the claim's scan of due
 * deliveries reads the heads of lines, not everything piled up behind a failing receiver.
 */
async function moveFollowers(tx: Tx, d: Claimed, when: Date, backingOff: boolean): Promise<void> {
  if (d.operationId === null) return;
  const at = when.toISOString();
  if (backingOff)
    await tx.sql`update webhook_deliveries set next_attempt_at = ${at}::timestamptz
      where endpoint_id = ${d.endpointId} and operation_id = ${d.operationId} and status = 'pending'
        and id > ${d.id} and next_attempt_at < ${at}::timestamptz`;
  else
    await tx.sql`update webhook_deliveries set next_attempt_at = ${at}::timestamptz
      where endpoint_id = ${d.endpointId} and operation_id = ${d.operationId} and status = 'pending'
        and id > ${d.id} and attempts = 0 and next_attempt_at > ${at}::timestamptz`;
}

/**
 * A disabled endpoint's pending deliveries leave the due scan until it is re-enabled (which makes
 * them due again, in their order: WebhookEndpointService.setEnabled).
 */
export async function parkDeliveries(tx: Tx, endpointId: string): Promise<void> {
  await tx.sql`update webhook_deliveries set next_attempt_at = 'infinity'
    where endpoint_id = ${endpointId} and status = 'pending'`;
}
