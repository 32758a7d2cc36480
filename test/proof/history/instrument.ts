import type { SqlQueryable } from "@/db/transaction";

/**
 * Instruments a run's own database (never a migration): triggers copy every change of an
 * operation row, of a step's status, attempts or lease holder, and every new timeline event
 * into `proof_changes`, tagged with the writing transaction. Writers of an operation hold its
 * row lock (intake creates it, commitStates and performAction lock it), so per operation the
 * log's order is the commit order — which the checker verifies rather than assumes.
 */
export async function instrument(sql: SqlQueryable): Promise<void> {
  await sql.unsafe(`
    create table if not exists proof_changes (
      seq bigserial primary key,
      txid bigint not null default txid_current(),
      at timestamptz not null default clock_timestamp(),
      kind text not null,
      operation_id uuid not null,
      row jsonb not null
    );
    create or replace function proof_log_operation() returns trigger language plpgsql as $$
    begin
      insert into proof_changes (kind, operation_id, row) values ('operation', new.id, jsonb_build_object(
        'status', new.status, 'blockedKind', new.blocked_kind, 'blockedReason', new.blocked_reason,
        'actionRequired', new.action_required, 'error', new.error, 'currentStep', new.current_step,
        'type', new.type, 'version', new.version));
      return null;
    end $$;
    create or replace function proof_log_step() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.status = new.status and old.attempts = new.attempts
         and old.lease_owner is not distinct from new.lease_owner then
        return null;
      end if;
      insert into proof_changes (kind, operation_id, row) values ('step', new.operation_id, jsonb_build_object(
        'position', new.position, 'name', new.name, 'status', new.status, 'attempts', new.attempts,
        'leaseOwner', new.lease_owner, 'skipReason', new.skip_reason,
        -- A new attempt over a running one whose holder's lease had not run out (the claim's own
        -- clock, now()): two attempts active at once, whatever the workers' clocks say.
        'liveTakeover', tg_op = 'UPDATE' and new.attempts > old.attempts and old.status = 'running'
          and old.lease_owner is not null and old.lease_owner not like 'sweeper:%'
          and old.lease_expires_at > now()));
      return null;
    end $$;
    create or replace function proof_log_event() returns trigger language plpgsql as $$
    begin
      insert into proof_changes (kind, operation_id, row) values ('event', new.operation_id,
        jsonb_build_object('id', new.id, 'type', new.type, 'step', new.step, 'actor', new.actor));
      return null;
    end $$;
    drop trigger if exists proof_operations on operations;
    create trigger proof_operations after insert or update on operations
      for each row execute function proof_log_operation();
    drop trigger if exists proof_steps on steps;
    create trigger proof_steps after insert or update on steps for each row execute function proof_log_step();
    drop trigger if exists proof_events on events;
    create trigger proof_events after insert on events for each row execute function proof_log_event();
  `);
}
