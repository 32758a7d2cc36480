/**
 * `npm run seed -- --operations N [--days 30]`: N realistic operations in every status, for
 * demos and benchmarks, on DATABASE_URL or the embedded database. Bulk SQL (INSERT … SELECT
 * over generate_series, 50,000 operations per transaction): a million takes minutes.
 *
 * Every operation is coherent: its steps and timeline say how it got where it is (completed,
 * failed after compensating, blocked with the reason and action, retrying or running, or
 * just accepted). In-flight ones are recent and carry no job: a worker's orphan sweep
 * picks them up, as it would after an outage. Blocked reviews have a pending review.
 */

import { parseArgs } from "node:util";
import postgres from "postgres";
import { openDatabase } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { sqlList } from "@/db/sql-list";
import { answerHelp } from "@/scripts/lib/usage";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";

answerHelp(`usage: npm run seed -- [--operations N] [--days D]
  Writes N realistic operations (default 10000) in every status, spread over the last D days
  (default 30), on DATABASE_URL or the embedded PostgreSQL (THROUGHLINE_DATA_DIR).
  SEED_TIMING=1 prints each statement's time.`);

const CHUNK = 50_000;
const log = (line: string) => console.log(`[seed] ${line}`);

// One row per (workflow, step): the plan every seeded operation follows.
const PLAN = `(values
  ('order.fulfill', 0, 'reserve_stock', 4, true), ('order.fulfill', 1, 'charge_payment', 4, true),
  ('order.fulfill', 2, 'create_shipment', 4, false), ('order.fulfill', 3, 'send_confirmation', 4, false),
  ('account.verify', 0, 'collect_documents', 4, true), ('account.verify', 1, 'risk_check', 4, false),
  ('account.verify', 2, 'manual_review', 4, false), ('account.verify', 3, 'activate', 4, false),
  ('report.export', 0, 'render', 1, false),
  ('demo.noop', 0, 'first', 3, false), ('demo.noop', 1, 'second', 3, false), ('demo.noop', 2, 'third', 3, false)
) as p(type, position, name, n_steps, compensable)`;

/** The chunk's operations: type, status, where it stopped (`stop`), timings, wording. */
const STAGE = `
create temp table seed_ops on commit drop as
with g as (
  select n, random() as r_type, random() as r_status, random() as r1, random() as r2 from generate_series($1::bigint, $2::bigint) n
), t as (
  select g.*,
    case when r_type < 0.55 then 'order.fulfill' when r_type < 0.80 then 'account.verify'
         when r_type < 0.95 then 'report.export' else 'demo.noop' end as type,
    case when r_status < 0.85 then 'completed' when r_status < 0.90 then 'failed' when r_status < 0.94 then 'blocked'
         when r_status < 0.98 then 'processing' else 'accepted' end as status
  from g
), s as (
  select t.*,
    case type when 'order.fulfill' then 4 when 'account.verify' then 4 when 'report.export' then 1 else 3 end as n_steps,
    case type when 'order.fulfill' then 200 + r2 * 800 when 'account.verify' then 300 + r2 * 1500
              when 'report.export' then 100 + r2 * 5000 else 2 + r2 * 5 end as step_ms,
    -- In-flight work is recent; finished and blocked work spreads over the period.
    case when status in ${sqlList(RUNNABLE_STATUSES)} then now() - r1 * interval '1 hour'
         else now() - r1 * ($3::int * interval '1 day') end as created_at,
    'customer' || (n % 50000) || '@example.com' as email,
    500 + (n * 37) % 20000 as amount,
    jsonb_build_array(jsonb_build_object('sku', (array['BOOK-42','MUG-7','TEE-M','LAMP-3'])[1 + n % 4], 'quantity', 1 + n % 3)) as lines,
    -- Verifications that stop at the manual review were high risk; most others were not.
    case when status in ('blocked', 'failed') and type = 'account.verify' then 70 + n % 30 else (n * 13) % 75 end as score
  from t
)
select s.*, pg_temp.uuid7(created_at) as id,
  case status when 'completed' then n_steps when 'accepted' then -1
    when 'failed' then case type when 'order.fulfill' then (case when r1 < 0.7 then 1 else 0 end)
      when 'account.verify' then 2 when 'demo.noop' then 1 else 0 end
    when 'blocked' then case type when 'account.verify' then 2 when 'demo.noop' then 1 else 0 end
    else floor(r2 * n_steps)::int end as stop,
  status = 'processing' and r1 < 0.3 as running
from s`;

const UUID7 = `
create or replace function pg_temp.uuid7(ts timestamptz) returns uuid language sql volatile as $$
  select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send(floor(extract(epoch from ts) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
$$`;

const OPERATIONS = `
insert into operations (id, type, version, status, input, subject, reference, submitted_by, idempotency_key,
  request_hash, result, error, blocked_kind, blocked_reason, action_required, current_step, trace_id, synthetic,
  created_at, updated_at, completed_at)
select o.id, o.type, 1, o.status::operation_status,
  case o.type
    when 'order.fulfill' then jsonb_build_object('orderId', 'ord_' || o.n, 'customerEmail', o.email,
      'items', o.lines, 'amountCents', o.amount, 'currency', 'EUR')
    when 'account.verify' then jsonb_build_object('accountId', 'acct_' || o.n, 'email', o.email,
      'country', (array['GB','FR','DE','NL','ES','US'])[1 + o.n % 6], 'documents', jsonb_build_array('passport', 'selfie'))
    when 'report.export' then jsonb_build_object('report', (array['orders','customers','payments'])[1 + o.n % 3],
      'rows', 1000 + (o.n * 7919) % 200000, 'format', 'csv')
    else jsonb_build_object('note', 'probe') end,
  case o.type when 'report.export' then 'team-' || (o.n % 20) when 'demo.noop' then null else o.email end,
  case o.type when 'order.fulfill' then 'ord_' || o.n when 'account.verify' then 'acct_' || o.n end,
  'key:tl_seed', 'seed-' || o.n, md5(o.n::text),
  r.result,
  case when o.status = 'failed' then jsonb_build_object('errorClass', 'permanent', 'step', f.step, 'message', f.message, 'code', f.code) end,
  case when o.status = 'blocked' then b.kind::block_kind end,
  case when o.status = 'blocked' then b.reason end,
  case when o.status = 'blocked' then b.action end,
  case when o.status in ('blocked', 'processing') then w.names[o.stop + 1] when o.status = 'accepted' then w.names[1] end,
  md5('trace' || o.n), o.type = 'demo.noop', o.created_at,
  o.created_at + greatest(o.stop, 0) * o.step_ms * interval '1 ms',
  case when o.status in ('completed', 'failed') then o.created_at + (o.stop + 1) * o.step_ms * interval '1 ms' end
from seed_ops o
left join seed_results r on r.id = o.id and o.status = 'completed'
cross join lateral (select case o.type
  when 'order.fulfill' then array['reserve_stock', 'charge_payment', 'create_shipment', 'send_confirmation']
  when 'account.verify' then array['collect_documents', 'risk_check', 'manual_review', 'activate']
  when 'report.export' then array['render'] else array['first', 'second', 'third'] end as names) w
cross join lateral (select
  case o.type when 'order.fulfill' then case o.stop when 1 then 'charge_payment' else 'reserve_stock' end
    when 'account.verify' then 'manual_review' when 'report.export' then 'render' else 'second' end as step,
  case o.type
    when 'order.fulfill' then case o.stop when 1 then 'The card was declined: the amount is over its limit.'
      else 'The shop cancelled order ord_' || o.n || '.' end
    when 'account.verify' then 'A compliance officer rejected the verification: the documents do not match.'
    when 'report.export' then 'The export storage is full.' else 'second refused' end as message,
  case o.type when 'order.fulfill' then case o.stop when 1 then 'card_declined' else 'precondition_failed' end
    when 'account.verify' then 'review_rejected' when 'report.export' then 'storage_full' else 'refused' end as code) f
cross join lateral (select
  case o.type when 'order.fulfill' then 'precondition_failed' when 'account.verify' then 'awaiting_person'
    else 'retries_exhausted' end as kind,
  case o.type when 'order.fulfill' then 'Not enough stock: LAMP-3 (2 needed, 0 available).'
    when 'account.verify' then 'Risk score ' || o.score || ' is high: a compliance officer must review the documents.'
    when 'report.export' then 'Retries exhausted after 3 attempts of "Render the report": The renderer is unavailable.'
    else 'Retries exhausted after 3 attempts of "Second step": the probe timed out.' end as reason,
  case o.type when 'order.fulfill' then 'Restock the items in the warehouse, then resume.'
    when 'account.verify' then 'Review the documents, then approve or reject the verification.'
    else 'Fix the cause, then resume the operation.' end as action) b`;

/** Each step's state from where its operation stopped (see runner and compensate for the real rules). */
const STAGE_STEPS = `
create temp table seed_steps on commit drop as
select o.n, o.id, o.created_at, o.step_ms, o.stop, o.running, o.status as op_status, p.position, p.name, x.status, x.attempts,
  -- What each step's effect returns (later steps read some of it, e.g. the charge id).
  case when x.status in ('succeeded', 'compensated') then case p.name
    when 'reserve_stock' then jsonb_build_object('reservationIds', jsonb_build_array(), 'lines', o.lines)
    when 'charge_payment' then jsonb_build_object('chargeId', 'ch_seed' || o.n, 'amountCents', o.amount, 'currency', 'EUR')
    when 'create_shipment' then jsonb_build_object('shipmentId', 'shp_seed' || o.n, 'trackingNumber', 'TRKSEED' || o.n)
    when 'send_confirmation' then jsonb_build_object('messageId', md5(o.n::text))
    when 'collect_documents' then jsonb_build_object('documents', 2)
    when 'risk_check' then jsonb_build_object('score', o.score, 'level', case when o.score >= 70 then 'high' else 'low' end, 'reasons', jsonb_build_array())
    when 'manual_review' then case when o.score >= 70 then jsonb_build_object('review', 'approved', 'reviewer', 'user:compliance@example.com')
      else jsonb_build_object('review', 'not_needed', 'score', o.score) end
    when 'activate' then jsonb_build_object('accountId', 'acct_' || o.n, 'activatedAt', o.created_at)
    when 'render' then jsonb_build_object('file', 'orders-' || o.n || '.csv', 'rows', 1000 + (o.n * 7919) % 200000)
    else jsonb_build_object('ok', true) end end as output,
  case when x.status = 'retrying' then now() + (1 + o.n % 600) * interval '1 second' end as next_attempt_at,
  case when p.position = o.stop and o.status in ('failed', 'blocked', 'processing') and not o.running
    then jsonb_build_object('message', 'seeded failure', 'errorClass', case o.status when 'failed' then 'permanent' else 'transient' end)
  end as last_error
from seed_ops o join ${PLAN} on p.type = o.type
cross join lateral (select
  case
    when o.status = 'completed' or p.position < o.stop then
      case when o.status = 'failed' and p.compensable then 'compensated' else 'succeeded' end
    when p.position > o.stop or o.status = 'accepted' then case when o.status = 'failed' then 'skipped' else 'pending' end
    when o.status = 'failed' then 'failed'
    when o.status = 'blocked' then 'pending'
    when o.running then 'running' else 'retrying' end as status,
  case when o.status = 'accepted' or p.position > o.stop then 0
    when p.position = o.stop and o.status in ('blocked', 'failed') then 3
    when p.position = o.stop and o.status = 'processing' then 1 + o.n % 2 else 1 end as attempts) x`;

const RESULTS = `
create temp table seed_results on commit drop as
select id, jsonb_object_agg(name, output) as result from seed_steps where op_status = 'completed' group by id`;

const STEPS = `
insert into steps (operation_id, position, name, status, attempts, started_at, finished_at, next_attempt_at,
  last_error, output, skip_reason, lease_owner, lease_expires_at, created_at, updated_at)
select s.id, s.position, s.name, s.status::step_status, s.attempts,
  case when s.attempts > 0 then s.created_at + s.position * s.step_ms * interval '1 ms' end,
  case when s.status in ('succeeded', 'failed', 'compensated') then s.created_at + (s.position + 0.8) * s.step_ms * interval '1 ms' end,
  s.next_attempt_at, s.last_error,
  s.output,
  case when s.status = 'skipped' then 'operation failed' end,
  case when s.status = 'running' then 'seed' end,
  case when s.status = 'running' then s.created_at + s.stop * s.step_ms * interval '1 ms' end,
  s.created_at, s.created_at
from seed_steps s`;

/** The timeline, in order per operation (ids follow the ORDER BY), with times to match. */
const EVENTS = `
insert into events (operation_id, type, step, actor, data, at)
select e.id, e.type::event_type, e.step, e.actor, e.data, e.created_at + e.seq * e.step_ms / 10 * interval '1 ms'
from (
  select n, id, created_at, step_ms, 0 as seq, 'accepted' as type, null as step, 'key:tl_seed' as actor,
    jsonb_build_object('version', 1) as data
  from seed_ops
  union all
  select s.n, s.id, s.created_at, s.step_ms, 10 + s.position * 10 + k.i, k.type, s.name, 'worker:seed',
    case k.type when 'step_started' then jsonb_build_object('attempt', s.attempts)
      when 'step_succeeded' then jsonb_build_object('attempt', s.attempts, 'durationMs', round(s.step_ms * 0.8))
      when 'attempt_failed' then jsonb_build_object('attempt', s.attempts, 'errorClass', s.last_error->>'errorClass', 'message', s.last_error->>'message')
      when 'retry_scheduled' then jsonb_build_object('attempt', s.attempts, 'at', s.next_attempt_at)
    end
  from seed_steps s cross join lateral (values
    (0, 'step_started', s.attempts > 0),
    (1, 'step_succeeded', s.status in ('succeeded', 'compensated')),
    (1, 'attempt_failed', s.status in ('failed', 'retrying') or (s.status = 'pending' and s.attempts > 0)),
    (2, 'step_failed', s.status = 'failed'),
    (2, 'retry_scheduled', s.status = 'retrying'),
    (2, 'blocked', s.status = 'pending' and s.attempts > 0),
    (200 - s.position * 20, 'compensation_started', s.status = 'compensated'),
    (201 - s.position * 20, 'step_compensated', s.status = 'compensated')
  ) as k(i, type, wanted)
  where k.wanted
  union all
  select n, id, created_at, step_ms, 1000, status, null, 'worker:seed', null
  from seed_ops where status in ('completed', 'failed')
) e
order by e.n, e.seq`;

const REVIEWS = `
insert into sim_reviews (operation_id, account_id, score, status, created_at)
select id, 'acct_' || n, score, 'pending', created_at from seed_ops
where type = 'account.verify' and status = 'blocked' on conflict do nothing`;

async function seedChunk(
  sql: postgres.Sql,
  chunk: { from: number; to: number; days: number; superuser: boolean },
): Promise<void> {
  await sql.begin(async (tx) => {
    // A seed that dies half-way is simply run again: no need to wait for each flush.
    await tx.unsafe("set local synchronous_commit = off");
    await tx.unsafe("set local work_mem = '256MB'");
    // The rows are consistent by construction: a superuser skips the per-row foreign key
    // checks and triggers (the live-update NOTIFY included), several times faster.
    if (chunk.superuser) await tx.unsafe("set local session_replication_role = replica");
    await tx.unsafe(UUID7);
    await tx.unsafe(STAGE, [chunk.from, chunk.to, chunk.days]);
    for (const [name, statement] of Object.entries({
      STAGE_STEPS,
      RESULTS,
      OPERATIONS,
      STEPS,
      EVENTS,
      REVIEWS,
    })) {
      const t0 = performance.now();
      await tx.unsafe(statement);
      if (process.env.SEED_TIMING) log(`  ${name} ${Math.round(performance.now() - t0)} ms`);
    }
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { operations: { type: "string", default: "10000" }, days: { type: "string", default: "30" } },
  });
  const total = Number(values.operations);
  const days = Number(values.days);
  if (!Number.isInteger(total) || total < 1) throw new Error("--operations must be a positive integer");
  const database = await openDatabase({ url: process.env.DATABASE_URL, log });
  try {
    await migrateDatabase(database.url);
    const sql = postgres(database.url, { max: 2, onnotice: () => {} });
    const started = performance.now();
    const [{ superuser } = { superuser: false }] = await sql<{ superuser: boolean }[]>`
      select rolsuper as superuser from pg_roles where rolname = current_user`;
    const [{ offset } = { offset: 0 }] = await sql<{ offset: number }[]>`
      select coalesce(max(substring(idempotency_key from 6)::bigint), 0)::int as offset from operations
      where submitted_by = 'key:tl_seed'`;
    // Chunks run on two connections at once: PostgreSQL inserts on one core per statement.
    const chunks: [number, number][] = [];
    for (let from = 1; from <= total; from += CHUNK) chunks.push([from, Math.min(total, from + CHUNK - 1)]);
    let done = 0;
    const writer = async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        await seedChunk(sql, { from: offset + chunk[0], to: offset + chunk[1], days, superuser });
        done += chunk[1] - chunk[0] + 1;
        const seconds = (performance.now() - started) / 1000;
        log(
          `${done.toLocaleString()} / ${total.toLocaleString()} operations (${Math.round(done / seconds).toLocaleString()}/s)`,
        );
      }
    };
    await Promise.all([writer(), writer()]);
    await sql`analyze operations`;
    await sql`analyze steps`;
    await sql`analyze events`;
    const counts = await sql`select status, count(*)::int as n from operations group by 1 order by 2 desc`;
    log(
      `done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${counts.map((c) => `${c.status} ${c.n}`).join(", ")}`,
    );
    await sql.end();
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`[seed] ${(error as Error).message}`);
  process.exit(1);
});
