import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { evaluateAlerts } from "@/server/alerts/evaluate";
import { auditActorOf, NO_REQUEST } from "@/server/audit/write";
import type { WebhookEventType, WebhookFormat } from "@/server/domain/webhook-events";
import type { CompanionContext } from "@/server/engine/worker";
import { WebhookDeliveriesPresenter } from "@/server/presenters/webhooks/webhooks-presenter";
import { registryFromEnv } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_ADMIN } from "@/test/principals";
import { DELIVERY_POLICY, type DeliverDeps, deliverWebhooks } from "./deliver";
import { WebhookEndpointService } from "./endpoints";
import { backoffMs } from "./settle";
import { webhookWorkWith } from "./work";

/** What the receiver got: one entry per request, with the status it answered. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

let t: TestDatabase;
let server: Server;
let base: string;
let received: Received[] = [];
/** Per path, the status to answer the n-th request (0-based) with a given body; default 200. */
const answers = new Map<string, (n: number, body: string) => number>();
/** Per path, what the answer waits for (the request is in `received` as soon as it is read). */
const holds = new Map<string, Promise<void>>();
const registry = registryFromEnv();
let endpoints: WebhookEndpointService;
const by = { actor: auditActorOf(TEST_ADMIN), request: NO_REQUEST };

beforeAll(async () => {
  // The receiver is this process's loopback server, which safeFetch refuses unless allowed.
  vi.stubEnv("THROUGHLINE_ALLOW_PRIVATE_URLS", "1");
  t = await createTestDatabase();
  endpoints = new WebhookEndpointService({ db: t.db, registry });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      if (path === "/hang") return void received.push({ path, headers: req.headers, body: "", status: 0 });
      const body = Buffer.concat(chunks).toString("utf8");
      const n = received.filter((r) => r.path === path).length;
      const status = answers.get(path)?.(n, body) ?? 200;
      received.push({ path, headers: req.headers, body, status });
      void (holds.get(path) ?? Promise.resolve()).then(() =>
        res
          .writeHead(status, { "content-type": "text/plain" })
          .end(status < 300 ? "thanks" : "receiver is down"),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections(); // the hanging receiver's
  await new Promise((resolve) => server?.close(resolve));
  await t?.drop();
  vi.unstubAllEnvs();
});
// Each test has its own endpoint: earlier ones must not be fanned this test's events.
beforeEach(async () => {
  received = [];
  holds.clear();
  await t.db.$client`update webhook_endpoints set enabled = false`;
  await t.db.$client`delete from webhook_deliveries`;
});

async function register(
  path: string,
  options: { eventTypes?: WebhookEventType[]; format?: WebhookFormat } = {},
): Promise<{ id: string; secret: string }> {
  const r = await endpoints.register(
    {
      url: `${base}${path}`,
      eventTypes: options.eventTypes ?? ["operation.status_changed", "operation.blocked"],
      format: options.format,
    },
    by,
  );
  if (r.type !== "created") throw new Error(r.message);
  return { id: r.endpointId, secret: r.secret };
}

/** An operation and status changes committed after it (each writes its events through the trigger). */
async function operationThrough(statuses: string[], reference?: string): Promise<string> {
  const id = await insertOperation(t.db.$client, { reference: reference ?? null });
  for (const status of statuses)
    await t.db.$client`update operations set status = ${status}::operation_status,
      blocked_kind = ${status === "blocked" ? "retries_exhausted" : null}, blocked_reason = ${status === "blocked" ? "The bank said no" : null}
      where id = ${id}`;
  return id;
}

const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);
/** A clock a second ahead: the database stamps rows in microseconds, so "now" in ms may come before them. */
const soon = () => new Date(Date.now() + 1000);
const deliver = (now: Date, more: Partial<DeliverDeps> = {}) =>
  deliverWebhooks({ db: t.db, now: () => now, random: () => 0, ...more });
const deliveriesOf = (endpointId: string) =>
  t.db.$client<{ id: string; status: string; attempts: number; nextAttemptAt: string; messageId: string }[]>`
    select d.id, d.status::text, d.attempts, d.next_attempt_at as "nextAttemptAt", o.message_id as "messageId"
    from webhook_deliveries d join webhook_outbox o on o.id = d.outbox_id
    where d.endpoint_id = ${endpointId} order by d.id`;
const attemptsOf = (deliveryId: string) =>
  t.db.$client<
    {
      attempt: number;
      statusCode: number | null;
      error: string | null;
      excerpt: string | null;
      latencyMs: number;
    }[]
  >`
    select attempt, status_code as "statusCode", error, response_excerpt as excerpt, latency_ms as "latencyMs"
    from webhook_attempts where delivery_id = ${deliveryId} order by id`;
const typeAndStatus = (r: Received) => {
  const body = JSON.parse(r.body) as { type: string; data: { status: string } };
  return `${body.type}:${body.data.status}`;
};

describe("deliverWebhooks", () => {
  it("delivers a committed change's event signed per Standard Webhooks, logged with its answer", async () => {
    const e = await register("/signed");
    const op = await operationThrough(["processing"], "ORD-1001");
    const pass = await deliverWebhooks({ db: t.db, now: soon });
    expect(pass).toMatchObject({ claimed: 1, delivered: 1, retried: 0, dead: 0 });

    expect(received).toHaveLength(1);
    const r = received[0]!;
    const verified = new Webhook(e.secret).verify(r.body, r.headers as Record<string, string>) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    expect(verified).toMatchObject({
      type: "operation.status_changed",
      data: {
        operationId: op,
        from: "accepted",
        status: "processing",
        reference: "ORD-1001",
        workflowType: "demo.noop",
      },
    });
    const [d] = await deliveriesOf(e.id);
    expect(r.headers["webhook-id"]).toBe(d!.messageId);
    expect(d).toMatchObject({ status: "delivered", attempts: 1 });
    // Another secret does not verify it.
    expect(() =>
      new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(
        r.body,
        r.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(await attemptsOf(d!.id)).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 200, error: null, excerpt: "thanks" }),
    ]);
  });

  it("sends a Slack-compatible { text } with a link for an endpoint of format slack", async () => {
    await register("/slack", { format: "slack", eventTypes: ["operation.blocked"] });
    const op = await operationThrough(["processing", "blocked"], "ORD-7");
    await deliverWebhooks({ db: t.db, now: soon, publicUrl: "https://ops.example.com/" });
    expect(received.map((r) => JSON.parse(r.body))).toEqual([
      {
        text: `Operation ORD-7 (demo.noop) is blocked — The bank said no. <https://ops.example.com/operations/${op}|Open>`,
      },
    ]);
  });

  it("keeps each operation's events in order while its receiver fails, retrying with backoff", async () => {
    const e = await register("/order");
    const slow = await operationThrough(["processing", "blocked"]);
    const other = await operationThrough(["processing"]);
    // The receiver fails the first two requests about `slow`, then recovers.
    let slowSeen = 0;
    answers.set("/order", (_n, body) => (body.includes(slow) && slowSeen++ < 2 ? 500 : 200));
    const t0 = soon();
    const aboutSlow = () => received.filter((r) => r.body.includes(slow));

    // Pass 1: the head of each operation's line leaves; `slow`'s fails, `other`'s arrives.
    expect(await deliver(t0)).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
    expect(aboutSlow().map((r) => r.status)).toEqual([500]);
    const [first] = await deliveriesOf(e.id);
    // Backoff: base × 2^0, jitter at its lowest (half).
    expect(Date.parse(first!.nextAttemptAt)).toBe(t0.getTime() + DELIVERY_POLICY.baseDelayMs / 2);
    // Not due yet, and nothing behind it may overtake it.
    expect(await deliver(at(t0, 1000))).toMatchObject({ claimed: 0 });

    const t1 = at(t0, DELIVERY_POLICY.baseDelayMs);
    expect(await deliver(t1)).toMatchObject({ claimed: 1, retried: 1 });
    expect(Date.parse((await deliveriesOf(e.id))[0]!.nextAttemptAt)).toBe(
      t1.getTime() + DELIVERY_POLICY.baseDelayMs,
    );

    // Recovered: the three events of `slow` arrive one pass each, in commit order, first under the same id.
    for (let pass = 0; pass < 3; pass++)
      expect(await deliver(at(t0, 3_600_000 + pass))).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await deliver(at(t0, 7_200_000))).toMatchObject({ claimed: 0 });
    expect(aboutSlow().map((r) => `${r.status} ${typeAndStatus(r)}`)).toEqual([
      "500 operation.status_changed:processing",
      "500 operation.status_changed:processing",
      "200 operation.status_changed:processing",
      "200 operation.status_changed:blocked",
      "200 operation.blocked:blocked",
    ]);
    const ids = aboutSlow().map((r) => r.headers["webhook-id"]);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(new Set(ids).size).toBe(3);
    expect((await attemptsOf(first!.id)).map((a) => [a.attempt, a.statusCode, a.excerpt])).toEqual([
      [1, 500, "receiver is down"],
      [2, 500, "receiver is down"],
      [3, 200, "thanks"],
    ]);
    expect(received.filter((r) => r.body.includes(other))).toHaveLength(1);
    const [endpoint] = await t.db
      .$client`select consecutive_failures from webhook_endpoints where id = ${e.id}`;
    expect(endpoint!.consecutive_failures).toBe(0);
  });

  it("keeps the events behind a backing-off delivery out of the due scan, due again when it settles", async () => {
    const e = await register("/line");
    const op = await operationThrough(["processing", "blocked"]);
    answers.set("/line", (n) => (n === 0 ? 500 : 200));
    const t0 = soon();
    expect(await deliver(t0)).toMatchObject({ claimed: 1, retried: 1 });
    const due = async () => (await deliveriesOf(e.id)).map((d) => Date.parse(d.nextAttemptAt));
    const headNext = t0.getTime() + DELIVERY_POLICY.baseDelayMs / 2;
    expect(await due()).toEqual([headNext, headNext, headNext]);
    // An event written while the head backs off is due no earlier than the head.
    await t.db.$client`update operations set status = 'processing', blocked_kind = null where id = ${op}`;
    expect(await due()).toEqual([headNext, headNext, headNext, headNext]);
    const t1 = at(t0, 10_000);
    expect(await deliver(t1)).toMatchObject({ claimed: 1, delivered: 1 });
    // The head is delivered (stamped at t1), the rest due (by t1 at the latest).
    expect((await due()).every((ms) => ms <= t1.getTime())).toBe(true);
    for (let pass = 1; pass <= 3; pass++)
      expect(await deliver(at(t1, pass))).toMatchObject({ claimed: 1, delivered: 1 });
  });

  it("backs off exponentially with jitter, capped, and at least a Retry-After", () => {
    const p = DELIVERY_POLICY;
    expect([1, 2, 3, 4].map((n) => backoffMs(n, p, () => 0.999_999, null))).toEqual([
      p.baseDelayMs,
      2 * p.baseDelayMs,
      4 * p.baseDelayMs,
      8 * p.baseDelayMs,
    ]);
    expect(backoffMs(30, p, () => 0, null)).toBe(p.maxDelayMs / 2);
    expect(backoffMs(1, p, () => 0, 60_000)).toBe(60_000);
  });

  it("gives a delivery up after its last try, disables the endpoint that keeps failing and alerts", async () => {
    const e = await register("/down");
    answers.set("/down", () => 500);
    await operationThrough(["processing"]);
    const policy = { maxAttempts: 3, disableAfterFailures: 3 };
    const t0 = soon();
    expect(await deliver(t0, { policy })).toMatchObject({ retried: 1, disabled: [] });
    expect(await deliver(at(t0, 3_600_000), { policy })).toMatchObject({ retried: 1, disabled: [] });
    expect(await deliver(at(t0, 7_200_000), { policy })).toMatchObject({ dead: 1, disabled: [e.id] });
    expect((await deliveriesOf(e.id)).map((d) => [d.status, d.attempts])).toEqual([["dead", 3]]);
    const [endpoint] = await t.db.$client`
      select enabled, disabled_reason, consecutive_failures from webhook_endpoints where id = ${e.id}`;
    expect(endpoint).toEqual({
      enabled: false,
      disabled_reason: "3 failed deliveries in a row; the last: HTTP 500",
      consecutive_failures: 3,
    });
    const audit = await t.db.$client`select actor_kind, reason, details from audit_records
      where action = 'webhook_endpoint_disabled' and details->>'endpointId' = ${e.id}`;
    expect(audit).toHaveLength(1);
    // A disabled endpoint gets nothing, even what was already waiting for it.
    await t.db.$client`update webhook_deliveries set status = 'pending' where endpoint_id = ${e.id}`;
    expect(await deliver(at(t0, 9_000_000), { policy })).toMatchObject({ claimed: 0 });

    // The alert rule sees it (threshold 5 by default: two more failures counted by hand).
    await t.db.$client`update webhook_endpoints set consecutive_failures = 5 where id = ${e.id}`;
    await evaluateAlerts({ db: t.db, registry, now: at(t0, 10_000_000) });
    const alerts = () =>
      t.db.$client<{ state: string; summary: string }[]>`
        select state::text, summary from alerts where rule = 'webhook_failing' and scope = ${e.id}`;
    expect(await alerts()).toEqual([
      {
        state: "firing",
        summary: `webhook endpoint ${new URL(base).host} failed 5 deliveries in a row and is disabled: 3 failed deliveries in a row; the last: HTTP 500`,
      },
    ]);
    // Re-enabled by an admin (audited): the count clears and the alert resolves.
    expect(
      await endpoints.setEnabled(
        { endpointId: e.id, enabled: true, reason: "Receiver fixed by the partner" },
        by,
      ),
    ).toEqual({ type: "changed" });
    await evaluateAlerts({ db: t.db, registry, now: at(t0, 20_000_000) });
    expect((await alerts()).map((a) => a.state)).toEqual(["resolved"]);
  });

  it("costs a receiver that hangs its timeout and a retry, logged as a timeout", async () => {
    const e = await register("/hang");
    await operationThrough(["processing"]);
    expect(await deliver(soon(), { policy: { timeoutMs: 300 } })).toMatchObject({ claimed: 1, retried: 1 });
    expect(received.map((r) => r.path)).toEqual(["/hang"]);
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1 });
    expect(await attemptsOf(d!.id)).toEqual([
      expect.objectContaining({ statusCode: null, error: "timeout: no complete answer within 300 ms" }),
    ]);
  });

  it("refuses a private destination without THROUGHLINE_ALLOW_PRIVATE_URLS", async () => {
    const e = await register("/private");
    await operationThrough(["processing"]);
    expect(await deliver(soon(), { allowPrivate: false })).toMatchObject({ claimed: 1, retried: 1 });
    expect(received).toEqual([]);
    const [d] = await deliveriesOf(e.id);
    expect(await attemptsOf(d!.id)).toEqual([
      expect.objectContaining({
        statusCode: null,
        error: expect.stringMatching(/^unsafe_destination: 127\.0\.0\.1 resolves to a non-public address/),
      }),
    ]);
    // Registering one is refused the same way.
    const strict = new WebhookEndpointService({ db: t.db, registry, allowPrivate: () => false });
    expect(await strict.register({ url: `${base}/x`, eventTypes: ["operation.failed"] }, by)).toMatchObject({
      type: "invalid",
      field: "url",
      message: expect.stringContaining("Refused"),
    });
  });

  it("redelivers a delivered event under the same webhook-id, audited", async () => {
    const e = await register("/again");
    const op = await operationThrough(["processing"]);
    await deliver(soon());
    const [d] = await deliveriesOf(e.id);
    expect(await endpoints.redeliver({ deliveryId: Number(d!.id), reason: "x" }, by)).toMatchObject({
      type: "invalid",
    });
    const r = await endpoints.redeliver({ deliveryId: Number(d!.id), reason: "The partner lost it" }, by);
    expect(r).toMatchObject({ type: "redelivered", parked: false });
    if (r.type !== "redelivered") return;
    expect(
      await endpoints.redeliver({ deliveryId: r.deliveryId, reason: "The partner lost it" }, by),
    ).toEqual({
      type: "pending",
    });
    expect(await deliver(soon())).toMatchObject({ delivered: 1 });
    expect(received.map((x) => x.headers["webhook-id"])).toEqual([d!.messageId, d!.messageId]);
    const [audit] = await t.db
      .$client`select reason, operation_id from audit_records where action = 'webhook_redelivered'`;
    expect(audit).toEqual({ reason: "The partner lost it", operation_id: op });
    expect(await endpoints.redeliver({ deliveryId: 999_999, reason: "The partner lost it" }, by)).toEqual({
      type: "not_found",
    });
  });

  it("takes over a crashed deliverer's claim once its lease ran out; two deliverers send each event once", async () => {
    const e = await register("/fleet");
    for (let i = 0; i < 6; i++) await operationThrough(["processing"]);
    const t0 = soon();
    const [crashed] = await deliveriesOf(e.id);
    await t.db
      .$client`update webhook_deliveries set lease_until = ${at(t0, DELIVERY_POLICY.leaseMs).toISOString()}::timestamptz
      where id = ${crashed!.id}`;
    const passes = await Promise.all([
      deliver(t0, { policy: { batch: 3 } }),
      deliver(t0, { policy: { batch: 3 } }),
    ]);
    expect(passes.reduce((n, p) => n + p.delivered, 0)).toBe(5);
    expect(await deliver(at(t0, 1000))).toMatchObject({ claimed: 0 });
    expect(await deliver(at(t0, DELIVERY_POLICY.leaseMs))).toMatchObject({ claimed: 1, delivered: 1 });
    const ids = received.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toHaveLength(6);
  });
});

describe("a disabled endpoint's deliveries", () => {
  it("parks a redelivery to a disabled endpoint, shown as waiting, sent once it is re-enabled", async () => {
    const e = await register("/parked-again");
    await operationThrough(["processing"]);
    expect(await deliver(soon())).toMatchObject({ delivered: 1 });
    const [d] = await deliveriesOf(e.id);
    const set = (enabled: boolean, reason: string) =>
      endpoints.setEnabled({ endpointId: e.id, enabled, reason }, by);
    expect(await set(false, "Partner maintenance tonight")).toEqual({ type: "changed" });

    const r = await endpoints.redeliver({ deliveryId: Number(d!.id), reason: "The partner lost it" }, by);
    expect(r).toMatchObject({ type: "redelivered", parked: true });
    const log = await new WebhookDeliveriesPresenter(t.db).call({ endpointId: e.id });
    // Newest first: the redelivery waits for the endpoint (no next try), the first one was delivered.
    expect(log.deliveries.map((x) => [x.status, x.nextAttemptAt])).toEqual([
      ["pending", null],
      ["delivered", expect.any(Date)],
    ]);
    expect(await deliver(at(soon(), 86_400_000))).toMatchObject({ claimed: 0 });
    expect(received).toHaveLength(1);

    expect(await set(true, "Partner is back")).toEqual({ type: "changed" });
    expect(await deliver(soon())).toMatchObject({ delivered: 1 });
    expect(received.map((x) => x.headers["webhook-id"])).toEqual([d!.messageId, d!.messageId]);
  });

  it("parks the tries in flight when their endpoint is disabled, answered or not, and the events behind them", async () => {
    const e = await register("/held");
    let release!: () => void;
    holds.set("/held", new Promise<void>((resolve) => (release = resolve)));
    const failing = await operationThrough(["processing", "completed"]);
    const answered = await operationThrough(["processing", "completed"]);
    // The failing operation's first try answers 500; every other request 200.
    answers.set("/held", (_, body) =>
      body.includes(failing) && received.every((r) => !r.body.includes(failing)) ? 500 : 200,
    );
    // Both heads are at the receiver, unanswered, when an admin disables the endpoint.
    const pass = deliver(soon());
    await eventually(() => expect(received).toHaveLength(2));
    expect(
      await endpoints.setEnabled({ endpointId: e.id, enabled: false, reason: "Partner maintenance" }, by),
    ).toEqual({ type: "changed" });
    release();
    expect(await pass).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
    // In id order: failing's two events, then answered's.
    expect((await deliveriesOf(e.id)).map((d) => [d.status, d.attempts, d.nextAttemptAt])).toEqual([
      ["pending", 1, "infinity"],
      ["pending", 0, "infinity"],
      ["delivered", 1, expect.not.stringMatching(/infinity/)],
      ["pending", 0, "infinity"],
    ]);
    expect(await deliver(at(soon(), 86_400_000))).toMatchObject({ claimed: 0 });

    // Re-enabled: everything leaves, each operation's events in their order.
    holds.delete("/held");
    await endpoints.setEnabled({ endpointId: e.id, enabled: true, reason: "Partner is back" }, by);
    for (let i = 0; i < 5 && (await deliver(soon())).claimed > 0; i++);
    expect((await deliveriesOf(e.id)).map((d) => d.status)).toEqual(Array(4).fill("delivered"));
    const of = (op: string) => received.filter((r) => r.body.includes(op)).map(typeAndStatus);
    expect(of(failing)).toEqual([
      "operation.status_changed:processing",
      "operation.status_changed:processing",
      "operation.status_changed:completed",
    ]);
    expect(of(answered)).toEqual([
      "operation.status_changed:processing",
      "operation.status_changed:completed",
    ]);
  });
});

describe("alert notifications", () => {
  it("tells an alert's firing then its resolution, in that order, as Slack text with a link", async () => {
    await register("/alerts", { format: "slack", eventTypes: ["alert.firing", "alert.resolved"] });
    // A broken endpoint (disabled, failing) is the condition; the receiver above is told about it.
    const broken = randomUUID();
    await t.db
      .$client`insert into webhook_endpoints (id, url, event_types, secret, enabled, consecutive_failures)
      values (${broken}, 'https://partner.example.com/hook', ${["operation.failed"]}, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false, 7)`;
    const t0 = soon();
    await evaluateAlerts({ db: t.db, registry, now: t0 });
    await t.db.$client`update webhook_endpoints set consecutive_failures = 0 where id = ${broken}`;
    await evaluateAlerts({ db: t.db, registry, now: at(t0, 60_000) });
    const [alert] = await t.db.$client<{ id: string }[]>`
      select id from alerts where rule = 'webhook_failing' and scope = ${broken}`;
    // Each pass sends the head of the alert's line only.
    for (let i = 0; i < 3; i++) await deliver(at(t0, 120_000 + i), { publicUrl: "https://ops.example.com" });
    expect(received.filter((r) => r.body.includes(alert!.id)).map((r) => JSON.parse(r.body).text)).toEqual([
      `Alert firing: webhook endpoint partner.example.com failed 7 deliveries in a row and is disabled. <https://ops.example.com/alerts/${alert!.id}|Open>`,
      `Alert resolved: webhook endpoint partner.example.com failed 7 deliveries in a row and is disabled. <https://ops.example.com/alerts/${alert!.id}|Open>`,
    ]);
  });
});

describe("webhookWork", () => {
  it("delivers committed changes from two workers' loops, each once, until stopped", async () => {
    const e = await register("/loop");
    const log = (_line: string) => {};
    // The loops' clock a second ahead, as above (microsecond stamps).
    const start = webhookWorkWith({ now: soon });
    const loops = await Promise.all([
      start({ db: t.db, log } as unknown as CompanionContext),
      start({ db: t.db, log } as unknown as CompanionContext),
    ]);
    try {
      for (let i = 0; i < 4; i++) await operationThrough(["processing", "completed"]);
      await eventually(async () =>
        expect((await deliveriesOf(e.id)).map((d) => d.status)).toEqual(Array(8).fill("delivered")),
      );
    } finally {
      await Promise.all(loops.map((l) => l.stop()));
    }
    const ids = received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
  });
});
