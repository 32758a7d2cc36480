import type postgres from "postgres";
import { sqlList } from "@/db/sql-list";
import { IN_FLIGHT_STATUSES } from "@/server/domain/statuses";
import { fmt } from "./lib";

/** The console bench's data: operations are written in chunks of this many rows. */
const CHUNK = 50_000;

export interface Seeded {
  total: number;
}

/**
 * Makes sure the database holds at least `target` operations: a month of traffic over three
 * workflows, mostly finished, with failures, blocks and retrying steps whose error text can
 * be searched. Written by set-based SQL in chunks (the engine would take hours).
 */
export async function seedOperations(sql: postgres.Sql, target: number): Promise<Seeded> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from operations`;
  const n = row?.n ?? 0;
  if (n >= target) return { total: n };
  const started = performance.now();
  const now = Date.now();
  for (let from = n; from < target; from += CHUNK) {
    const to = Math.min(target, from + CHUNK);
    await sql`
      with g as (
        select i, (${now} - (random() * 30 * 86400000)::bigint) as ms, random() as r, random() as r2 from generate_series(${from}::int, ${to - 1}::int) i
      ), shaped as (
        select i, ms, r2,
          (substr(lpad(to_hex(ms), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(ms), 12, '0'), 9, 4) || '-7' ||
           substr(md5(i::text || r::text), 1, 3) || '-' || '8' || substr(md5(i::text || r::text), 4, 3) || '-' ||
           substr(md5(i::text || r::text), 7, 12))::uuid as id,
          case when r < 0.6 then 'order.fulfill' when r < 0.9 then 'report.export' else 'demo.noop' end as type,
          case when r2 < 0.9 then 'completed' when r2 < 0.93 then 'failed' when r2 < 0.94 then 'blocked'
               when r2 < 0.97 then 'processing' else 'accepted' end::operation_status as status
        from g
      )
      insert into operations (id, type, version, status, input, subject, reference, submitted_by, idempotency_key,
        request_hash, error, blocked_kind, blocked_reason, action_required, current_step, trace_id, synthetic,
        created_at, updated_at, completed_at)
      select id, type, 1, status,
        jsonb_build_object('orderId', 'ord_' || i, 'customerEmail', 'customer' || (i % 250000) || '@example.com'),
        'customer' || (i % 250000) || '@example.com',
        'ord_' || i,
        'key:bench',
        case when i % 2 = 0 then 'idem-' || i end,
        md5(i::text),
        case when status = 'failed' then jsonb_build_object(
          'message', (array['Card declined by issuer (code 51)', 'Carrier refused the parcel: address incomplete',
            'Warehouse says SKU discontinued', 'Report too large to export'])[1 + i % 4] || ' #' || i,
          'code', case when i % 3 = 0 then 'retries_exhausted' else 'permanent' end) end,
        case when status = 'blocked' then (array['awaiting_person', 'retries_exhausted', 'precondition_failed'])[1 + i % 3]::block_kind end,
        case when status = 'blocked' then (array['High risk score, needs review', 'Retries exhausted: carrier timeout after 15 s',
          'Order was cancelled by the customer'])[1 + i % 3] || ' #' || i end,
        case when status = 'blocked' then 'Review, then resume the operation.' end,
        case when status in ${sql.unsafe(sqlList(IN_FLIGHT_STATUSES))} then
          (case type when 'order.fulfill' then 'charge_payment' when 'report.export' then 'render' else 'noop' end) end,
        md5(i::text || 'trace'),
        i % 100 = 0,
        to_timestamp(ms / 1000.0),
        to_timestamp(ms / 1000.0) + (r2 * 120) * interval '1 second',
        case when status in ('completed', 'failed') then to_timestamp(ms / 1000.0) + (0.5 + r2 * 90) * interval '1 second' end
      from shaped`;
    process.stdout.write(
      `\r  seeding operations: ${to.toLocaleString("en")} / ${target.toLocaleString("en")}`,
    );
  }
  // Steps with a searchable last error for the in-flight ones (the rest need no step rows here).
  await sql`
    insert into steps (operation_id, position, name, status, attempts, last_error)
    select id, 0, current_step, 'retrying', 2,
      jsonb_build_object('message', 'Gateway timeout after 15 s talking to payments', 'errorClass', 'transient')
    from operations where status = 'processing' and current_step is not null
    on conflict do nothing`;
  await sql`vacuum analyze operations`;
  await sql`vacuum analyze steps`;
  console.log(`\n  seeded in ${fmt((performance.now() - started) / 1000)} s`);
  return { total: target };
}
