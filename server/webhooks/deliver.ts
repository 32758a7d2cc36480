import type { Db } from "@/db/client";
import { type Tx, transaction } from "@/db/transaction";
import { appendAudit, NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import type { WebhookFormat } from "@/server/domain/webhook-events";
import { safeFetch } from "@/server/http-client/safe-fetch";
import { deliveryBody, type OutboxMessage, signedHeaders } from "./payload";

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

export const DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 10,
  disableAfterFailures: 25,
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  timeoutMs: 10_000,
  leaseMs: 40_000,
  maxBodyBytes: 8 * 1024,
  excerptChars: 1_000,
  batch: 50,
  concurrency: 8,
};

export interface DeliverDeps {
  db: Db;
  /** The clock deciding what is due, the lease, the backoff and the signature's timestamp. */
  now?: () => Date;
  /** Jitter in [0, 1). */
  random?: () => number;
  /** Non-public destinations; defaults to THROUGHLINE_ALLOW_PRIVATE_URLS=1 (safeFetch's own). */
  allowPrivate?: boolean;
  /** Where the console is, for Slack links; defaults to THROUGHLINE_PUBLIC_URL. */
  publicUrl?: string | null;
  policy?: Partial<DeliveryPolicy>;
}

export interface DeliveryPass {
  claimed: number;
  delivered: number;
  /** Failed tries that will be tried again. */
  retried: number;
  dead: number;
  /** Endpoints this pass disabled. */
  disabled: string[];
}

interface Claimed {
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

interface Answer {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfterMs: number | null;
}

/**
 * One delivery pass: claims due deliveries with a lease, sends each (signed per Standard Webhooks),
 * records the try and its answer, and settles it — delivered on a 2xx, else retried with backoff
 * up to maxAttempts, then dead; an endpoint failing disableAfterFailures times in a row is disabled.
 * Safe to run in several workers at once (SKIP LOCKED and the lease), and a receiver that hangs
 * costs its timeout and a retry, never a blocked worker.
 */
export async function deliverWebhooks(deps: DeliverDeps): Promise<DeliveryPass> {
  const policy = { ...DELIVERY_POLICY, ...deps.policy };
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const publicUrl =
    deps.publicUrl === undefined ? (process.env.THROUGHLINE_PUBLIC_URL ?? null) : deps.publicUrl;
  const claimedAt = now();
  const leaseUntil = new Date(claimedAt.getTime() + policy.leaseMs);
  const claimed = await claim(deps.db, claimedAt, leaseUntil, policy.batch);
  const pass: DeliveryPass = { claimed: claimed.length, delivered: 0, retried: 0, dead: 0, disabled: [] };

  const queue = [...claimed];
  const sendNext = async (): Promise<void> => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const answer = await send(d, deps, policy, publicUrl, now());
      const outcome = await settle(deps.db, d, answer, leaseUntil, policy, now(), random);
      if (outcome === null) continue; // our lease ran out and another deliverer took it
      pass[outcome.status === "delivered" ? "delivered" : outcome.status === "dead" ? "dead" : "retried"]++;
      if (outcome.disabled) pass.disabled.push(d.endpointId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(policy.concurrency, claimed.length) }, sendNext));
  return pass;
}

/**
 * Claims the due deliveries that are at the head of their line: for one endpoint, a delivery about
 * an operation waits while an earlier one about the same operation is still pending (retrying, or
 * claimed by someone else), so a receiver sees each operation's events in commit order. Events
 * without an operation have no line. A disabled endpoint's deliveries wait for its re-enabling.
 */
async function claim(db: Db, at: Date, leaseUntil: Date, batch: number): Promise<Claimed[]> {
  return db.$client<Claimed[]>`
    update webhook_deliveries d set lease_until = ${leaseUntil.toISOString()}::timestamptz
    from (
      select c.id from webhook_deliveries c
      join webhook_endpoints e on e.id = c.endpoint_id and e.enabled
      where c.status = 'pending' and c.next_attempt_at <= ${at.toISOString()}::timestamptz
        and (c.lease_until is null or c.lease_until <= ${at.toISOString()}::timestamptz)
        and (c.operation_id is null or not exists (
          select 1 from webhook_deliveries p
          where p.endpoint_id = c.endpoint_id and p.operation_id = c.operation_id
            and p.status = 'pending' and p.id < c.id))
      order by c.next_attempt_at, c.id
      limit ${batch}
      for update of c skip locked
    ) due, webhook_outbox o, webhook_endpoints e
    where d.id = due.id and o.id = d.outbox_id and e.id = d.endpoint_id
    returning d.id, d.attempts, d.endpoint_id as "endpointId", d.operation_id as "operationId", e.url, e.secret, e.format,
      o.message_id as "messageId", o.type, o.created_at as "createdAt", o.data`;
}

async function send(
  d: Claimed,
  deps: DeliverDeps,
  policy: DeliveryPolicy,
  publicUrl: string | null,
  at: Date,
): Promise<Answer> {
  const message: OutboxMessage = {
    messageId: d.messageId,
    type: d.type,
    createdAt: new Date(d.createdAt),
    // drizzle's pool leaves jsonb as text on raw queries.
    data: typeof d.data === "string" ? JSON.parse(d.data) : d.data,
  };
  const body = deliveryBody(d.format, message, publicUrl);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await safeFetch(
      d.url,
      { method: "POST", headers: signedHeaders(d.secret, d.messageId, at, body), body },
      { allowPrivate: deps.allowPrivate, timeoutMs: policy.timeoutMs, maxBodyBytes: policy.maxBodyBytes },
    );
    return {
      ok: res.status >= 200 && res.status < 300,
      statusCode: res.status,
      latencyMs: latency(),
      excerpt: res.body.slice(0, policy.excerptChars) || null,
      error: null,
      retryAfterMs:
        res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get("retry-after"), at) : null,
    };
  } catch (error) {
    const e = error as Error & { type?: string; code?: string };
    // safeFetch's own deadline aborts the request: say so rather than "The operation was aborted".
    const timedOut = e.name === "AbortError" || e.name === "TimeoutError" || e.code === "ABORT_ERR";
    const kind = timedOut ? "timeout" : (e.type ?? e.code ?? e.name);
    const what = timedOut ? `no complete answer within ${policy.timeoutMs} ms` : e.message;
    return {
      ok: false,
      statusCode: null,
      latencyMs: latency(),
      excerpt: null,
      error: `${kind}: ${what}`.slice(0, policy.excerptChars),
      retryAfterMs: null,
    };
  }
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from `at`. */
function retryAfterMs(value: string | null, at: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - at.getTime());
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
async function settle(
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
