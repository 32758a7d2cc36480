import type postgres from "postgres";

/**
 * Proof that a refused request wrote nothing: in the fuzz's own test database, a row trigger on
 * every table (public and pg-boss's) records each insert, delete and each update that changes
 * a row's contents into `fuzz_changes`. What a transaction rolled back leaves no record either,
 * so "no new record after a refusal" means no row — whole or half-written — was left behind.
 * One cheap query per request instead of hashing every table.
 *
 * Not watched, because they change without being a request's effect: sessions (better-auth
 * refreshes them on use), the sign-in limiter's rows, worker heartbeats, the "last used" columns;
 * nor the timeline events a refusal writes on purpose (an idempotency conflict is recorded on
 * the operation it collided with, issue 7).
 */
const SKIPPED_TABLES = ["staff_sessions", "auth_rate_limits", "workers", "auth_verifications"];
const SKIPPED_COLUMNS = ["last_used_at", "last_sign_in_at"];

export async function watchChanges(sql: postgres.Sql): Promise<() => Promise<string[]>> {
  const minus = SKIPPED_COLUMNS.map((c) => ` - '${c}'`).join("");
  await sql.unsafe(`
    create table public.fuzz_changes (id bigserial primary key, tbl text not null, op text not null);
    create function public.fuzz_record_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and (to_jsonb(old)${minus}) = (to_jsonb(new)${minus}) then return null; end if;
      if tg_table_name = 'events' and tg_op = 'INSERT' then
        -- nested: PL/pgSQL does not promise to stop at the first false of an AND
        if (to_jsonb(new) ->> 'type') in ('intake_conflict', 'intake_replayed') then return null; end if;
      end if;
      insert into public.fuzz_changes (tbl, op) values (tg_table_schema || '.' || tg_table_name, tg_op);
      return null;
    end $$;`);
  const tables = await sql<{ schema: string; name: string }[]>`
    select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition and n.nspname in ('public', 'pgboss')
      and c.relname <> 'fuzz_changes' and c.relname not like '%migrations%'
      and not (c.relname = any(${SKIPPED_TABLES}))`;
  for (const { schema, name } of tables)
    await sql.unsafe(
      `create trigger fuzz_watch after insert or update or delete on "${schema}"."${name}"
       for each row execute function public.fuzz_record_change()`,
    );
  let seen = 0;
  /** The tables written since the last call ("schema.table OP"), and moves past them. */
  return async () => {
    const rows = await sql<{ id: string; tbl: string; op: string }[]>`
      select id, tbl, op from public.fuzz_changes where id > ${seen} order by id`;
    if (rows.length > 0) seen = Number(rows.at(-1)!.id);
    return [...new Set(rows.map((r) => `${r.tbl} ${r.op}`))];
  };
}
