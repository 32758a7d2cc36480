/**
 * What the run proves, read from the database and the providers' ledgers once everything
 * settled. Each check counts its violations and keeps a few examples; none may be above 0.
 */
import type { Sql } from "postgres";
import { registryFromEnv } from "@/server/workflows";
import type { Ack } from "./load";
import { CHAOS_SKUS, CHAOS_STOCK } from "./mix";

export interface Check {
  /** What it looks at: the client's answers, the database and ledgers, or the run's own targets. */
  group: "client" | "database" | "targets";
  name: string;
  violations: number;
  examples: string[];
}

interface OpRow {
  id: string;
  type: string;
  version: number;
  status: string;
  idempotency_key: string | null;
  blocked_kind: string | null;
  blocked_reason: string | null;
  error: unknown;
  completed_at: Date | null;
}

interface EventRow {
  operation_id: string;
  type: string;
  step: string | null;
  version: number | null;
}

interface StepRow {
  operation_id: string;
  name: string;
  status: string;
}

/** Every workflow version the run may have used (the rolling restart adds chaos-next's). */
const registry = registryFromEnv({ THROUGHLINE_WORKFLOW_SET: "chaos-next" });
/**
 * Events that record a caller knocking after the end, not a change: a replayed or conflicting
 * intake, and an acknowledgment refused because its wait was already answered — the carrier's
 * callback may arrive twice (a dead worker's owed callback is sent again by another worker's
 * backstop, server/providers/owed-callbacks.ts), and the second is refused and kept on record.
 */
const AFTER_TERMINAL_ALLOWED = new Set(["intake_replayed", "intake_conflict", "acknowledgment_refused"]);

class Tally {
  readonly checks: Check[] = [];
  check(name: string): (example: string) => void {
    const check: Check = { group: "database", name, violations: 0, examples: [] };
    this.checks.push(check);
    return (example) => {
      check.violations++;
      if (check.examples.length < 3) check.examples.push(example);
    };
  }
}

export async function checkDatabase(sql: Sql, acks: Ack[]): Promise<Check[]> {
  const tally = new Tally();
  const ops = await sql<OpRow[]>`
    select id, type, version, status, idempotency_key, blocked_kind, blocked_reason, error, completed_at
    from operations`;
  const events = await sql<EventRow[]>`
    select operation_id, type, step, (data->>'version')::int as version from events order by id`;
  const steps = await sql<
    StepRow[]
  >`select operation_id, name, status from steps order by operation_id, position`;
  const byId = new Map(ops.map((o) => [o.id, o]));
  const eventsOf = groupBy(events, (e) => e.operation_id);
  const stepsOf = groupBy(steps, (s) => s.operation_id);

  const lost = tally.check("acknowledged but lost (not in the database)");
  const mismatched = tally.check("acknowledged id answered for another request");
  for (const ack of acks) {
    const op = byId.get(ack.id);
    if (!op) lost(`${ack.intent.key} → ${ack.id}`);
    else if (op.idempotency_key !== ack.intent.key || op.type !== ack.intent.type)
      mismatched(`${ack.intent.key} → ${ack.id} (${op.type}, key ${op.idempotency_key})`);
  }

  const unsettled = tally.check("not terminal, nor blocked with a reason");
  const timeline = tally.check("timeline inconsistent with the status");
  const version = tally.check("ran under another version than the one that accepted it");
  const ackVersion = new Map(acks.map((a) => [a.id, a.version]));
  for (const op of ops) {
    const evs = eventsOf.get(op.id) ?? [];
    const rows = stepsOf.get(op.id) ?? [];
    const blockedOk = op.status === "blocked" && op.blocked_kind && op.blocked_reason;
    if (op.status !== "completed" && op.status !== "failed" && !blockedOk) unsettled(`${op.id} ${op.status}`);
    const why = timelineProblem(op, evs, rows);
    if (why) timeline(`${op.id} ${op.status}: ${why}`);
    const def = registry.get(op.type, op.version);
    const accepted = evs.find((e) => e.type === "accepted");
    const names = def?.steps.map((s) => s.name) ?? [];
    if (!def) version(`${op.id}: ${op.type} v${op.version} is not a known version`);
    else if (accepted?.version !== op.version)
      version(`${op.id}: accepted as v${accepted?.version}, recorded v${op.version}`);
    else if ((ackVersion.get(op.id) ?? op.version) !== op.version)
      version(`${op.id}: the client was told v${ackVersion.get(op.id)}, it is v${op.version}`);
    else if (rows.map((r) => r.name).join() !== names.join())
      version(`${op.id}: steps ${rows.map((r) => r.name).join()} ≠ v${op.version}'s ${names.join()}`);
    else {
      const stray = evs.find((e) => e.step !== null && !names.includes(e.step));
      if (stray) version(`${op.id}: event ${stray.type} of step ${stray.step}, not in v${op.version}`);
    }
  }

  await checkEffects(sql, tally, byId);
  return tally.checks;
}

/** Why the events cannot be the story of an operation in this state; null when they can. */
function timelineProblem(op: OpRow, evs: EventRow[], rows: StepRow[]): string | null {
  if (evs[0]?.type !== "accepted") return `first event is ${evs[0]?.type ?? "missing"}`;
  if (evs.filter((e) => e.type === "accepted").length !== 1) return "more than one accepted event";
  const terminal = evs.filter((e) => e.type === "completed" || e.type === "failed");
  if (terminal.length > 1) return `${terminal.length} terminal events`;
  const lastIndex = evs.findLastIndex((e) => !AFTER_TERMINAL_ALLOWED.has(e.type));
  const last = evs[lastIndex]!;
  for (const step of new Set(evs.map((e) => e.step).filter(Boolean))) {
    const n = evs.filter((e) => e.type === "step_succeeded" && e.step === step).length;
    if (n > 1) return `step ${step} succeeded ${n} times`;
  }
  const running = rows.filter((r) => r.status === "running").length;
  switch (op.status) {
    case "completed": {
      if (last.type !== "completed") return `last event is ${last.type}, not completed`;
      const undone = rows.find((r) => r.status !== "succeeded" && r.status !== "skipped");
      if (undone) return `step ${undone.name} is ${undone.status}`;
      const unrecorded = rows.find(
        (r) => r.status === "succeeded" && !evs.some((e) => e.type === "step_succeeded" && e.step === r.name),
      );
      if (unrecorded) return `step ${unrecorded.name} succeeded without a step_succeeded event`;
      return op.completed_at ? null : "no completed_at";
    }
    case "failed":
      if (last.type !== "failed") return `last event is ${last.type}, not failed`;
      if (running > 0) return "a step is still running";
      if (!op.error) return "no error recorded";
      return op.completed_at ? null : "no completed_at";
    case "blocked": {
      if (terminal.length > 0) return `blocked after a ${terminal[0]!.type} event`;
      const lastBlock = evs.findLast((e) => e.type === "blocked" || e.type === "resumed");
      if (lastBlock?.type !== "blocked") return "no blocked event after the last resume";
      return running > 0 ? "blocked while a step runs" : null;
    }
    default:
      return terminal.length > 0 ? `${op.status} after a ${terminal[0]!.type} event` : null;
  }
}

async function checkEffects(sql: Sql, tally: Tally, byId: Map<string, OpRow>): Promise<void> {
  const twice = tally.check("effects applied twice");
  const duplicates = await sql<{ what: string; key: string; n: number }[]>`
    select 'charge of ' || order_id as what, order_id as key, count(*)::int as n
      from sim_charges group by order_id having count(*) > 1
    union all select 'shipment of ' || order_id, order_id, count(*)::int
      from sim_shipments group by order_id having count(*) > 1
    union all select 'email ' || subject, subject, count(*)::int
      from sim_emails group by subject having count(*) > 1
    union all select 'reservation of ' || order_id || ' ' || sku, order_id, count(*)::int
      from sim_reservations group by order_id, sku having count(*) > 1
    union all select 'document ' || kind || ' of ' || account_id, account_id, count(*)::int
      from sim_documents group by account_id, kind having count(*) > 1
    union all select 'risk assessment of ' || account_id, account_id, count(*)::int
      from sim_risk_assessments group by account_id having count(*) > 1`;
  for (const d of duplicates) twice(`${d.what} × ${d.n}`);

  // The ledger and the business tables are written in one transaction: they must agree.
  const unledgered = tally.check("effects without their ledger entry (or the reverse)");
  const pairs = await sql<{ what: string; rows: number; ledger: number }[]>`
    select 'charges' as what, (select count(*) from sim_charges)::int as rows,
      (select count(*) from sim_effects where provider = 'payments' and action = 'charge' and outcome = 'applied')::int as ledger
    union all select 'shipments', (select count(*) from sim_shipments)::int,
      (select count(*) from sim_effects where provider = 'carrier' and action = 'create_shipment')::int
    union all select 'emails', (select count(*) from sim_emails)::int,
      (select count(*) from sim_effects where provider = 'email' and action = 'send')::int
    union all select 'refunds', (select count(*) from sim_charges where status = 'refunded')::int,
      (select count(*) from sim_effects where provider = 'payments' and action = 'refund'
         and (response->>'refundedCents')::int > 0)::int`;
  for (const p of pairs)
    if (p.rows !== p.ledger) unledgered(`${p.what}: ${p.rows} rows, ${p.ledger} in the ledger`);

  const strayKeys = tally.check("ledger entries of no operation step");
  const keys = await sql<{ provider: string; idempotency_key: string }[]>`
    select provider, idempotency_key from sim_effects`;
  for (const { provider, idempotency_key: key } of keys) {
    const [id, step] = key.split(":");
    const op = byId.get(id ?? "");
    const def = op && registry.get(op.type, op.version);
    if (!def?.steps.some((s) => s.name === step)) strayKeys(`${provider} ${key}`);
  }

  const outcome = tally.check("order effects not matching the operation's outcome");
  const orders = await sql<
    {
      id: string;
      status: string;
      captured: number;
      refunded: number;
      shipments: number;
      emails: number;
      held: number;
      released: number;
      lines: number;
    }[]
  >`
    select o.id, o.status::text as status,
      (select count(*) from sim_charges c where c.order_id = o.input->>'orderId' and c.status = 'captured')::int as captured,
      (select count(*) from sim_charges c where c.order_id = o.input->>'orderId' and c.status = 'refunded')::int as refunded,
      (select count(*) from sim_shipments s where s.order_id = o.input->>'orderId')::int as shipments,
      (select count(*) from sim_emails e where e.subject = 'Your order ' || (o.input->>'orderId') || ' is on its way')::int as emails,
      (select count(*) from sim_reservations r where r.order_id = o.input->>'orderId' and r.status = 'reserved')::int as held,
      (select count(*) from sim_reservations r where r.order_id = o.input->>'orderId' and r.status = 'released')::int as released,
      jsonb_array_length(o.input->'items') as lines
    from operations o where o.type = 'order.fulfill' and o.status in ('completed', 'failed')`;
  for (const o of orders) {
    const wrong =
      o.status === "completed"
        ? o.captured !== 1 || o.refunded !== 0 || o.shipments !== 1 || o.emails !== 1 || o.held !== o.lines
        : o.captured !== 0 || o.shipments !== 0 || o.held !== 0;
    if (wrong)
      outcome(
        `${o.id} ${o.status}: ${o.captured} captured, ${o.refunded} refunded, ${o.shipments} shipments, ${o.emails} emails, ${o.held}/${o.lines} held, ${o.released} released`,
      );
  }

  const stock = tally.check("stock accounting (reserved ≠ open reservations, or stock changed)");
  const levels = await sql<{ sku: string; on_hand: number; reserved: number; held: number }[]>`
    select s.sku, s.on_hand, s.reserved,
      coalesce((select sum(quantity) from sim_reservations r where r.sku = s.sku and r.status = 'reserved'), 0)::int as held
    from sim_stock s where s.sku = any(${CHAOS_SKUS})`;
  for (const l of levels) {
    if (l.reserved !== l.held || l.on_hand !== CHAOS_STOCK)
      stock(`${l.sku}: on hand ${l.on_hand}, reserved ${l.reserved}, open reservations ${l.held}`);
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
