import type { SqlQueryable } from "@/db/transaction";
import type { Block, OperationState, RecordedError, StepState } from "@/server/domain/operation-state";
import type { OperationStatus } from "@/server/domain/statuses";

/** A step row as the engine sees it: the domain state plus who holds it. */
export interface StepRow extends StepState {
  position: number;
  leaseOwner: string | null;
  /** The lease has not expired (by the database clock). */
  leaseLive: boolean;
  /**
   * Set by the turn whose claim gave this worker the lease: the local time before that claim was
   * sent, from which the lease lasts at least its length (LeaseKeeper.hold).
   */
  leaseSince?: number;
}

/** An operation loaded for execution; `token` fences every write (compare-and-set). */
export interface LoadedOperation {
  id: string;
  type: string;
  version: number;
  input: unknown;
  createdAt: Date;
  /** The operation's trace id, carried on every log line of its step attempts (absent in stored histories). */
  traceId?: string;
  /** Intake's span as a W3C traceparent: the parent of each step attempt's span (server/telemetry/tracing.ts). */
  traceParent?: string;
  /**
   * `updated_at` as text, exact to the microsecond: a write only lands if it is unchanged.
   * Null for an operation known only from its start job: the write lands only while it is
   * still `accepted` — which pins its whole state (every step pending, untouched).
   */
  token: string | null;
  state: OperationState;
  rows: StepRow[];
}

/** Owner prefix of a lease the sweeper took from a dead worker: anyone may claim it. */
export const SWEEPER_LEASE_PREFIX = "sweeper:";

export interface OperationRow {
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
  traceId?: string;
  traceParent?: string | null;
  token: string;
  steps: (Omit<StepRow, "nextAttemptAt"> & { nextAttemptAt: string | null })[];
}

/** Loads operations with their steps, in one round trip however many there are. */
export async function loadOperations(
  sql: SqlQueryable,
  ids: string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, LoadedOperation>> {
  if (options.lock) {
    // Lock first, read after, in two statements: a statement that waits for a row lock re-reads
    // only the locked row once it has it (READ COMMITTED), while its steps subquery keeps the
    // snapshot from before the wait — an operator action then planned on a step as it was
    // before a worker's claim and overwrote the claim (found by the history check).
    await sql`select 1 from operations where id = any(${ids}::uuid[]) order by id for update`;
  }
  const rows = await sql<OperationRow[]>`
    select o.id, o.type, o.version, o.status, o.input, o.blocked_kind as "blockedKind",
      o.blocked_reason as "blockedReason", o.action_required as "actionRequired", o.error, o.result,
      o.current_step as "currentStep", o.created_at as "createdAt", o.trace_id as "traceId",
      o.trace_parent as "traceParent", o.updated_at::text as token,
      coalesce((
        select json_agg(json_build_object(
          'position', s.position, 'name', s.name, 'status', s.status, 'attempts', s.attempts,
          'output', s.output, 'lastError', s.last_error, 'skipReason', s.skip_reason,
          'nextAttemptAt', s.next_attempt_at, 'leaseOwner', s.lease_owner,
          'leaseLive', coalesce(s.lease_expires_at > now(), false)) order by s.position)
        from steps s where s.operation_id = o.id), '[]'::json) as steps
    from operations o where o.id = any(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.id, toLoaded(row)]));
}

export async function loadOperation(sql: SqlQueryable, id: string): Promise<LoadedOperation | null> {
  return (await loadOperations(sql, [id])).get(id) ?? null;
}

/** A row as the select above returns it → the engine's view (also how stored histories are read back). */
export function toLoaded(row: OperationRow): LoadedOperation {
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
    ...(row.traceId ? { traceId: row.traceId } : {}),
    ...(row.traceParent ? { traceParent: row.traceParent } : {}),
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
