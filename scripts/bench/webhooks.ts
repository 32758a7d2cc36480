/**
 * Outbound webhooks (issue 11), in `npm run bench` (BENCH_ONLY=webhooks): the production path
 * from a committed change to a receiver. One endpoint, registered by WebhookEndpointService, points
 * at a local HTTP receiver in this process that verifies every delivery with the Standard Webhooks
 * library (`new Webhook(secret).verify`, as the deliverer's tests do) and notes when it arrived;
 * the deliverer is the real one (`webhookWork` → `deliverWebhooks`) in real worker processes
 * (scripts/worker.ts). Figures:
 * - commit → receipt, p50/p99, at BENCH_WEBHOOK_RATE (50) demo.noop operations/s started in an
 *   open loop (in-process intake; each operation's accepted → processing → completed writes three
 *   events through the operations status trigger, in the engine's own transactions). "Commit" is
 *   the outbox row's `created_at`, its transaction's time, at or just before the commit;
 * - deliveries/s sustained: a backlog of BENCH_WEBHOOK_BACKLOG (30,000) events written by
 *   `writeOutbox` (lines of three per operation, as real ones) drained by BENCH_WEBHOOK_WORKERS
 *   ("1,2") worker processes, first receipt → last;
 * - correctness over every phase: each outbox row received exactly once (by webhook-id), every
 *   delivery verified, every operation's events received in commit order.
 */

import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { createDb, type Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import type { WebhookEventType } from "@/server/domain/webhook-events";
import { ensureQueues } from "@/server/engine/queue";
import { RunQueue } from "@/server/engine/run-queue";
import { IntakeService } from "@/server/operations/intake";
import { WebhookEndpointService } from "@/server/webhooks/endpoints";
import { type OutboxEvent, writeOutbox } from "@/server/webhooks/outbox";
import { registryFromEnv } from "@/server/workflows";
import { openLoop, spawnWorker, stopWorkers, until } from "./engine-lib";
import { type BenchFigure, figuresOf, spreadFigures } from "./figures";
import { benchSeconds } from "./lib";

// Its own port: a receiver of another section (or a test) must not answer for this one.
const RECEIVER_PORT = 3293;
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 50);
const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 30_000);
const WORKERS = (process.env.BENCH_WEBHOOK_WORKERS ?? "1,2").split(",").map(Number).filter(Boolean);
const WARM_UP = 20;
/** One operation's events, as the status trigger writes them for a demo.noop. */
const LINE: [WebhookEventType, string][] = [
  ["operation.status_changed", "processing"],
  ["operation.status_changed", "completed"],
  ["operation.completed", "completed"],
];
// The worker processes deliver to this process's loopback receiver, which safeFetch refuses unless allowed.
const WORKER_ENV = { THROUGHLINE_ALLOW_PRIVATE_URLS: "1" };

export async function benchWebhooks(options: { url: string }): Promise<BenchFigure[]> {
  const { url } = options;
  const { figures, add } = figuresOf("webhooks");
  await ensureQueues(url);
  const db = createDb(url, { max: 8, applicationName: "bench-webhooks" });
  const registry = registryFromEnv();
  const runs = new RunQueue({ db, url });
  const intake = new IntakeService(db, registry, runs);
  const start = async (note: string) => {
    const result = await intake.call({
      request: { type: "demo.noop", input: { note } },
      caller: "key:bench",
    });
    if (result.type !== "created") throw new Error(`intake refused: ${JSON.stringify(result)}`);
    return { operationId: result.operationId };
  };
  const receiver = new Receiver();
  let endpointId: string | null = null;
  let workers: ChildProcess[] = [];
  try {
    await receiver.listen(RECEIVER_PORT);
    const endpoint = await new WebhookEndpointService({ db, registry, allowPrivate: () => true }).register(
      {
        url: `http://127.0.0.1:${RECEIVER_PORT}/bench`,
        description: "bench receiver",
        eventTypes: ["operation.status_changed", "operation.completed"],
      },
      { actor: SYSTEM_ACTOR, request: NO_REQUEST },
    );
    if (endpoint.type !== "created") throw new Error(`endpoint refused: ${endpoint.message}`);
    endpointId = endpoint.endpointId;
    receiver.secret = endpoint.secret;

    workers = [await spawnWorker(url, WORKER_ENV)];
    // Warm-up: the worker and the receiver have run the whole path before anything is timed.
    const warm = await Promise.all(Array.from({ length: WARM_UP }, (_, i) => start(`warm-${i}`)));
    await untilReceived(
      db,
      receiver,
      warm.map((w) => w.operationId),
      WARM_UP * LINE.length,
    );

    const steady = await openLoop(RATE, benchSeconds(20), start);
    const events = await untilReceived(
      db,
      receiver,
      steady.map((s) => s.id),
      steady.length * LINE.length,
    );
    spreadFigures(
      add,
      `commit → receipt, ${RATE} operations/s (${RATE * LINE.length} deliveries/s), 1 worker`,
      events.map((e) => receiver.firstAt(e.messageId)! - e.createdAt.getTime()),
      "ms",
    );
    await stopWorkers(workers);
    workers = [];

    for (const n of WORKERS) {
      const backlog = await writeBacklog(db, BACKLOG);
      const from = receiver.count();
      workers = await Promise.all(Array.from({ length: n }, () => spawnWorker(url, WORKER_ENV)));
      await until(async () => backlog.every((id) => receiver.has(id)), 600_000);
      const arrivals = receiver.arrivalsSince(from);
      const seconds = (arrivals.at(-1)! - arrivals[0]!) / 1000;
      add(
        `deliveries/s sustained, a backlog of ${BACKLOG.toLocaleString("en")} events, ${n} worker(s)`,
        (arrivals.length - 1) / seconds,
        "deliveries/s",
      );
      await stopWorkers(workers);
      workers = [];
    }

    const check = await correctness(db, receiver, endpointId);
    add("outbox rows of the endpoint (every phase)", check.rows, "rows");
    add("  not received", check.missing, "rows", { target: "0" });
    add("  received more than once (same webhook-id)", check.duplicates, "deliveries", { target: "0" });
    add("  failing Standard Webhooks verification", receiver.unverified, "deliveries", { target: "0" });
    add("  operations whose events arrived out of commit order", check.outOfOrder, "ops", { target: "0" });
  } finally {
    await stopWorkers(workers);
    await receiver.close();
    // Later sections' status changes must not be fanned out to a receiver that is gone.
    if (endpointId) await forget(db, endpointId);
    await runs.close();
    await db.$client.end();
  }
  return figures;
}

/** The bench's receiver: verifies each delivery, keeps the webhook-id and when it came. */
class Receiver {
  secret = "";
  unverified = 0;
  private readonly arrivals: { id: string; at: number }[] = [];
  private readonly first = new Map<string, number>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      const id = this.verified(Buffer.concat(chunks).toString("utf8"), req.headers);
      if (!id) {
        this.unverified++;
        return void res.writeHead(400).end("signature refused");
      }
      this.arrivals.push({ id, at });
      if (!this.first.has(id)) this.first.set(id, at);
      res.writeHead(204).end();
    });
  });

  private verified(body: string, headers: IncomingHttpHeaders): string | null {
    try {
      new Webhook(this.secret).verify(body, headers as Record<string, string>);
      return headers["webhook-id"] as string;
    } catch {
      return null;
    }
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  has(id: string): boolean {
    return this.first.has(id);
  }
  firstAt(id: string): number | undefined {
    return this.first.get(id);
  }
  count(): number {
    return this.arrivals.length;
  }
  arrivalsSince(from: number): number[] {
    return this.arrivals.slice(from).map((a) => a.at);
  }
  /** Every request, in arrival order (repeats included). */
  all(): readonly { id: string; at: number }[] {
    return this.arrivals;
  }
}

/** Waits until `count` events about these operations are written and each has been received. */
async function untilReceived(db: Db, receiver: Receiver, operationIds: string[], count: number) {
  let rows: { messageId: string; createdAt: Date }[] = [];
  await until(async () => {
    rows = await db.$client<{ messageId: string; createdAt: Date }[]>`
      select message_id as "messageId", created_at as "createdAt" from webhook_outbox
      where operation_id = any(${operationIds}::uuid[])`;
    return rows.length >= count && rows.every((r) => receiver.has(r.messageId));
  }, 300_000);
  return rows.map((r) => ({ messageId: r.messageId, createdAt: new Date(r.createdAt) }));
}

/** `count` events by the outbox writer, in transactions of 1,000: lines of three per operation. */
async function writeBacklog(db: Db, count: number): Promise<string[]> {
  const events: OutboxEvent[] = [];
  for (let i = 0; i < count; i += LINE.length) {
    const operationId = randomUUID();
    for (const [type, status] of LINE.slice(0, count - i))
      events.push({
        type,
        operationId,
        workflowType: "demo.noop",
        data: { operationId, workflowType: "demo.noop", status, note: "bench backlog" },
      });
  }
  for (let i = 0; i < events.length; i += 1_000)
    await transaction(db, (tx) => writeOutbox(tx, events.slice(i, i + 1_000)));
  const rows = await db.$client<{ messageId: string }[]>`
    select message_id as "messageId" from webhook_outbox
    where operation_id = any(${[...new Set(events.map((e) => e.operationId!))]}::uuid[])`;
  if (rows.length !== count) throw new Error(`the backlog holds ${rows.length} events, not ${count}`);
  return rows.map((r) => r.messageId);
}

/** Every outbox row fanned out to the endpoint against what the receiver saw, by webhook-id. */
async function correctness(db: Db, receiver: Receiver, endpointId: string) {
  const rows = await db.$client<{ id: number; messageId: string; operationId: string | null }[]>`
    select o.id::int8 as id, o.message_id as "messageId", o.operation_id as "operationId"
    from webhook_deliveries d join webhook_outbox o on o.id = d.outbox_id
    where d.endpoint_id = ${endpointId}`;
  const seen = new Map<string, number>();
  for (const a of receiver.all()) seen.set(a.id, (seen.get(a.id) ?? 0) + 1);
  const missing = rows.filter((r) => !seen.has(r.messageId)).length;
  const duplicates = [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  // In order per operation: its events' outbox ids rise in the order of their first receipt.
  const order = new Map(
    receiver
      .all()
      .map((a, i) => [a.id, i] as const)
      .reverse(),
  );
  const lines = new Map<string, { id: number; arrived: number }[]>();
  for (const r of rows)
    if (r.operationId)
      lines.set(r.operationId, [
        ...(lines.get(r.operationId) ?? []),
        { id: Number(r.id), arrived: order.get(r.messageId) ?? Number.POSITIVE_INFINITY },
      ]);
  let outOfOrder = 0;
  for (const line of lines.values()) {
    const byArrival = [...line].sort((a, b) => a.arrived - b.arrived);
    if (byArrival.some((e, i) => i > 0 && e.id < byArrival[i - 1]!.id)) outOfOrder++;
  }
  return { rows: rows.length, missing, duplicates, outOfOrder };
}

/** Removes the bench's endpoint with its deliveries and the events only it was sent. */
async function forget(db: Db, endpointId: string): Promise<void> {
  await transaction(db, async (tx) => {
    await tx.sql`delete from webhook_outbox o using webhook_deliveries d
      where d.outbox_id = o.id and d.endpoint_id = ${endpointId}`;
    await tx.sql`delete from webhook_endpoints where id = ${endpointId}`;
  });
}
