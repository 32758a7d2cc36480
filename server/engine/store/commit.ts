import type { SqlQueryable } from "@/db/transaction";
import type { EventType } from "@/server/domain/events";
import type { OperationState, StepState } from "@/server/domain/operation-state";
import { isTerminal, type StepStatus } from "@/server/domain/statuses";
import { WAIT_LEASE_PREFIX } from "@/server/waits/settings";
import { SWEEPER_LEASE_PREFIX } from "./load";

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
  token: string | null;
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
 * One statement for many operations, so one round trip and one commit: for each, lock the
 * operation if its token is unchanged, check the guard on its step row, then write the
 * operation, its changed steps and its events — or nothing for that operation. Returns, per
 * commit, the new token, or null when it was fenced out. Operations are locked in id order
 * so two workers' batches cannot deadlock on each other.
 */
export async function commitStates(
  sql: SqlQueryable,
  commits: Commit[],
  options: {
    /** The caller notifies live readers itself after the commit (see migration 0007). */
    deferNotify?: boolean;
  } = {},
): Promise<(Written | null)[]> {
  if (commits.length === 0) return [];
  const ops = commits.map((c) => {
    const block = c.after.block;
    return {
      op: c.operationId,
      token: c.token,
      kind: c.guard.kind,
      position: c.guard.kind === "none" ? -1 : c.guard.position,
      expected: c.guard.kind === "claim" ? c.guard.expected.join(",") : "",
      attempts: c.guard.kind === "claim" ? c.guard.attempts : -1,
      owner: c.owner,
      status: c.after.status,
      blocked_kind: block?.kind ?? null,
      blocked_reason: block?.reason ?? null,
      action_required: block?.actionRequired ?? null,
      error: c.after.failure ?? null,
      result: c.after.result ?? null,
      current_step: currentStep(c.after),
      terminal: isTerminal(c.after.status),
    };
  });
  const steps = commits.flatMap((c) =>
    changedSteps(c.before, c.after, c.leases, c.positions).map((s) => ({
      ...s,
      op: c.operationId,
      owner: c.owner,
      lease_ms: c.leaseMs,
    })),
  );
  const events = commits.flatMap((c) => c.events.map((e) => ({ ...e, op: c.operationId, actor: c.actor })));
  const rows = await sql<
    { id: string; token: string; input: unknown; traceId: string | null; traceParent: string | null }[]
  >`
    with i as (
      select * from jsonb_to_recordset(${JSON.stringify(ops)}::jsonb) as x(op uuid, token text, kind text,
        position int, expected text, attempts int, owner text, status operation_status, blocked_kind block_kind,
        blocked_reason text, action_required text, error jsonb, result jsonb, current_step text, terminal boolean)
    ),
    -- By primary key (= any of the ids): a join with the recordset would let the planner
    -- guess a hash join and scan the whole table.
    lock_op as (
      select o.id from operations o
      where o.id = any(${commits.map((c) => c.operationId)}::uuid[])
        and (select case when i.token is null then o.status = 'accepted' else o.updated_at = i.token::timestamptz end
             from i where i.op = o.id)
      order by o.id for update of o
    ),
    guard_step as (
      select s.operation_id as id from steps s join i on s.operation_id = i.op and s.position = i.position
      where s.operation_id in (select id from lock_op)
        and case i.kind
          when 'lease' then s.lease_owner is not distinct from i.owner
          when 'claim' then s.status::text = any(string_to_array(i.expected, ',')) and s.attempts = i.attempts
            and (s.lease_owner is null or s.lease_expires_at <= now() or s.lease_owner like ${`${SWEEPER_LEASE_PREFIX}%`}
              -- A step whose attempt ended into a wait (server/waits) holds no worker: the runner
              -- never claims it to run again, but a cancel's compensation may take it.
              or s.lease_owner like ${`${WAIT_LEASE_PREFIX}%`})
          else false end
      for update of s
    ),
    guard as (
      select l.id from lock_op l join i on i.op = l.id where i.kind = 'none'
      union all
      select id from guard_step
    ),
    op as (
      update operations o set status = i.status, blocked_kind = i.blocked_kind, blocked_reason = i.blocked_reason,
        action_required = i.action_required, error = i.error, result = i.result, current_step = i.current_step,
        completed_at = case when i.terminal then coalesce(o.completed_at, now()) end,
        updated_at = clock_timestamp()
      from i where o.id = i.op and o.id in (select id from guard)
      returning o.id, o.updated_at::text as token, case when i.token is null then o.input end as input,
        case when i.token is null then o.trace_id end as "traceId",
        case when i.token is null then o.trace_parent end as "traceParent"
    ),
    changed as (
      update steps s set status = x.status, attempts = x.attempts, output = x.output, last_error = x.last_error,
        skip_reason = x.skip_reason, next_attempt_at = x.next_attempt_at,
        started_at = case when x.started then now() else s.started_at end,
        finished_at = case when x.finished then now() when x.started then null else s.finished_at end,
        lease_owner = case x.lease when 'acquire' then x.owner when 'release' then null else s.lease_owner end,
        lease_expires_at = case x.lease when 'acquire' then now() + x.lease_ms * interval '1 millisecond'
          when 'release' then null else s.lease_expires_at end,
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as x(op uuid, position int, status step_status,
        attempts int, output jsonb, last_error jsonb, skip_reason text, next_attempt_at timestamptz,
        started boolean, finished boolean, lease text, owner text, lease_ms int)
      where s.operation_id = x.op and s.position = x.position and x.op in (select id from op)
      returning 1
    ),
    -- Read by the events trigger at the end of this statement (transaction-local).
    quiet as (select set_config('throughline.defer_notify', ${options.deferNotify ? "on" : "off"}, true) as v),
    ev as (
      insert into events (operation_id, type, step, actor, data)
      select e.op, e.type, e.step, e.actor, e.data
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(op uuid, type event_type, step text, actor text, data jsonb)
      where e.op in (select id from op) and (select v from quiet) is not null
      returning 1
    )
    select id, token, input, "traceId", "traceParent" from op`;
  const written = new Map(rows.map((r) => [r.id, r]));
  return commits.map((c) => {
    const row = written.get(c.operationId);
    if (!row) return null;
    return {
      token: row.token,
      input: row.input,
      ...(row.traceId ? { traceId: row.traceId } : {}),
      ...(row.traceParent ? { traceParent: row.traceParent } : {}),
    };
  });
}

/**
 * What a commit that landed returns: the new token, and for an operation that was not loaded
 * (a start job's first claim) its input and trace (the first attempt's logs and span need it).
 */
export interface Written {
  token: string;
  input: unknown;
  traceId?: string;
  traceParent?: string;
}

export async function commitState(sql: SqlQueryable, c: Commit): Promise<string | null> {
  const [written] = await commitStates(sql, [c]);
  return written?.token ?? null;
}

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
