import type { Db } from "@/db/client";
import { safeFetch } from "@/server/http-client/safe-fetch";
import { deliveryBody, type OutboxMessage, signedHeaders } from "./payload";
import { type Answer, type Claimed, type DeliveryPolicy, settle } from "./settle";

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
