import type { Sql, TransactionSql } from "postgres";
import type { EventType } from "@/server/domain/events";
import type { Block, OperationState, RecordedError, StepState } from "@/server/domain/operation-state";
import { isTerminal, type OperationStatus, type StepStatus } from "@/server/domain/statuses";

/** A step row as the engine sees it: the domain state plus who holds it. */
export interface StepRow extends StepState {
  position: number;
  leaseOwner: string | null;
  /** The lease has not expired (by the database clock). */
  leaseLive: boolean;
}

/** An operation loaded for execution; `token` fences every write (compare-and-set). */
export interface LoadedOperation {
  id: string;
  type: string;
  version: number;
  input: unknown;
  createdAt: Date;
  /** `updated_at` as text, exact to the microsecond: a write only lands if it is unchanged. */
  token: string;
  state: OperationState;
  rows: StepRow[];
}

/** Owner prefix of a lease the sweeper took from a dead worker: anyone may claim it. */
export const SWEEPER_LEASE_PREFIX = "sweeper:";

export async function loadOperation(sql: Sql, id: string): Promise<LoadedOperation | null> {
  const [row] = await sql<
    {
      id: string;
      type: string;
      version: number;
      status: OperationStatus;
      input: unknown;
      blockedKind: Block["kind"] | null;
      blockedReason: string | null;
      actionRequired: string | null;
      error: RecordedError | null;
      result: unknown;
      currentStep: string | null;
      createdAt: string | Date;
      token: string;
      steps: (Omit<StepRow, "nextAttemptAt"> & { nextAttemptAt: string | null })[];
    }[]
  >`
    select o.id, o.type, o.version, o.status, o.input, o.blocked_kind as "blockedKind",
      o.blocked_reason as "blockedReason", o.action_required as "actionRequired", o.error, o.result,
      o.current_step as "currentStep", o.created_at as "createdAt", o.updated_at::text as token,
      coalesce((
        select json_agg(json_build_object(
          'position', s.position, 'name', s.name, 'status', s.status, 'attempts', s.attempts,
          'output', s.output, 'lastError', s.last_error, 'skipReason', s.skip_reason,
          'nextAttemptAt', s.next_attempt_at, 'leaseOwner', s.lease_owner,
          'leaseLive', coalesce(s.lease_expires_at > now(), false)) order by s.position)
        from steps s where s.operation_id = o.id), '[]'::json) as steps
    from operations o where o.id = ${id}`;
  if (!row) return null;
  const rows: StepRow[] = row.steps.map((s) => ({
    ...s,
    nextAttemptAt: s.nextAttemptAt ? new Date(s.nextAttemptAt) : null,
  }));
  const block: Block | null =
    row.blockedKind && row.blockedReason && row.actionRequired
      ? {
          kind: row.blockedKind,
          reason: row.blockedReason,
          actionRequired: row.actionRequired,
          step: row.currentStep,
        }
      : null;
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    input: row.input,
    createdAt: new Date(row.createdAt),
    token: row.token,
    rows,
    state: {
      status: row.status,
      steps: rows.map(({ position: _p, leaseOwner: _o, leaseLive: _l, ...step }) => step),
      block,
      failure: row.error,
      result: row.result,
    },
  };
}

/** Which step row the write is fenced on, besides the operation's token. */
export type CommitGuard =
  /** The writer must still hold this step's lease (lost lease → nothing is written). */
  | { kind: "lease"; position: number }
  /** Take the step's lease: it must be as loaded and its lease free, expired or the sweeper's. */
  | { kind: "claim"; position: number; expected: StepStatus[]; attempts: number }
  /** No step is involved (e.g. the final `failed`); the token alone fences the write. */
  | { kind: "none" };

export type LeaseChange = "acquire" | "release";

export interface EventToWrite {
  type: EventType;
  step: string | null;
  data: Record<string, unknown> | null;
}

export interface Commit {
  operationId: string;
  token: string;
  owner: string;
  leaseMs: number;
  guard: CommitGuard;
  before: OperationState;
  after: OperationState;
  /** Lease changes by step position (a changed step not listed keeps its lease as is). */
  leases: Record<number, LeaseChange>;
  events: EventToWrite[];
  actor: string;
  /** Step positions in workflow order (index in `state.steps` → `steps.position`). */
  positions: number[];
}

/**
 * One statement, so one round trip and one commit: lock the operation if its token is
 * unchanged, check the guard on the step row, then write the operation, the changed steps
 * and the events — or nothing at all. Returns the new token, or null when fenced out.
 */
export async function commitState(sql: Sql | TransactionSql, c: Commit): Promise<string | null> {
  const changed = changedSteps(c.before, c.after, c.leases, c.positions);
  const { after } = c;
  const block = after.block;
  const position = c.guard.kind === "none" ? -1 : c.guard.position;
  const expected = c.guard.kind === "claim" ? c.guard.expected : [];
  const attempts = c.guard.kind === "claim" ? c.guard.attempts : -1;
  const [row] = await sql<{ token: string | null }[]>`
    with lock_op as (
      select id from operations where id = ${c.operationId} and updated_at = ${c.token}::timestamptz for update
    ),
    guard_step as (
      select 1 from steps s
      where s.operation_id = ${c.operationId} and s.position = ${position} and exists (select 1 from lock_op)
        and case ${c.guard.kind}::text
          when 'lease' then s.lease_owner is not distinct from ${c.owner}
          when 'claim' then s.status::text = any(${expected}::text[]) and s.attempts = ${attempts}
            and (s.lease_owner is null or s.lease_expires_at <= now() or s.lease_owner like ${`${SWEEPER_LEASE_PREFIX}%`})
          else false end
      for update
    ),
    guard as (
      select 1 from lock_op where ${c.guard.kind}::text = 'none'
      union all
      select 1 from guard_step
    ),
    op as (
      update operations set status = ${after.status}::operation_status, blocked_kind = ${block?.kind ?? null}::block_kind,
        blocked_reason = ${block?.reason ?? null}, action_required = ${block?.actionRequired ?? null},
        error = ${jsonOrNull(after.failure)}::jsonb, result = ${jsonOrNull(after.result)}::jsonb,
        current_step = ${currentStep(after)},
        completed_at = case when ${isTerminal(after.status)}::boolean then coalesce(completed_at, now()) end,
        updated_at = clock_timestamp()
      where id = ${c.operationId} and exists (select 1 from guard)
      returning updated_at::text as token
    ),
    changed as (
      update steps s set status = x.status, attempts = x.attempts, output = x.output, last_error = x.last_error,
        skip_reason = x.skip_reason, next_attempt_at = x.next_attempt_at,
        started_at = case when x.started then now() else s.started_at end,
        finished_at = case when x.finished then now() when x.started then null else s.finished_at end,
        lease_owner = case x.lease when 'acquire' then ${c.owner} when 'release' then null else s.lease_owner end,
        lease_expires_at = case x.lease when 'acquire' then now() + ${c.leaseMs} * interval '1 millisecond'
          when 'release' then null else s.lease_expires_at end,
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as x(position int, status step_status,
        attempts int, output jsonb, last_error jsonb, skip_reason text, next_attempt_at timestamptz,
        started boolean, finished boolean, lease text)
      where s.operation_id = ${c.operationId} and s.position = x.position and exists (select 1 from op)
      returning 1
    ),
    ev as (
      insert into events (operation_id, type, step, actor, data)
      select ${c.operationId}, e.type, e.step, ${c.actor}, e.data
      from jsonb_to_recordset(${JSON.stringify(c.events)}::jsonb) as e(type event_type, step text, data jsonb)
      where exists (select 1 from op)
      returning 1
    )
    select (select token from op) as token, (select count(*) from changed) as n, (select count(*) from ev) as e`;
  return row?.token ?? null;
}

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** The step a person would say is "current": the one being undone while failing, else the next one. */
function currentStep(state: OperationState): string | null {
  if (isTerminal(state.status)) return null;
  if (state.failure) {
    return [...state.steps].reverse().find((s) => s.status === "succeeded")?.name ?? null;
  }
  return state.steps.find((s) => s.status !== "succeeded" && s.status !== "skipped")?.name ?? null;
}

const FINISHED: StepStatus[] = ["succeeded", "failed", "skipped", "compensated"];

function changedSteps(
  before: OperationState,
  after: OperationState,
  leases: Record<number, LeaseChange>,
  positions: number[],
) {
  return after.steps.flatMap((s, index) => {
    const position = positions[index] ?? index;
    const prev = before.steps[index];
    const lease = leases[position] ?? null;
    if (prev && !lease && sameStep(prev, s)) return [];
    return [
      {
        position,
        status: s.status,
        attempts: s.attempts,
        output: s.output ?? null,
        last_error: s.lastError,
        skip_reason: s.skipReason,
        next_attempt_at: s.nextAttemptAt?.toISOString() ?? null,
        started: s.status === "running" && prev?.status !== "running",
        finished: FINISHED.includes(s.status) && prev?.status !== s.status,
        lease,
      },
    ];
  });
}

function sameStep(a: StepState, b: StepState): boolean {
  return (
    a.status === b.status &&
    a.attempts === b.attempts &&
    a.output === b.output &&
    a.lastError === b.lastError &&
    a.skipReason === b.skipReason &&
    a.nextAttemptAt === b.nextAttemptAt
  );
}
