import type { Tx } from "@/db/transaction";
import { isTerminal } from "@/server/domain/statuses";
import type { WaitOutcome, WaitState } from "@/server/domain/waits";
import type { ClassifiedError } from "@/server/engine/classify";
import { type Plan, planOutcome } from "@/server/engine/plan";
import type { RunJob, RunQueue } from "@/server/engine/run-queue";
import { type Commit, commitState, type EventToWrite } from "@/server/engine/store/commit";
import { type LoadedOperation, loadOperations } from "@/server/engine/store/load";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { StepDefinition } from "@/server/workflows/kit/types";
import { WAIT_LEASE_PREFIX } from "./settings";

/** A wait row as acknowledgment and expiry read it (under its lock). */
export interface WaitRow {
  id: string;
  operationId: string;
  step: string;
  state: WaitState;
  target: string;
  outcome: WaitOutcome | null;
  payload: unknown;
  payloadHash: string | null;
  completedBy: string | null;
  completedAt: Date | null;
  deadlineAt: Date | null;
  createdAt: Date;
  /** By the database clock: the deadline or the heartbeat deadline has passed. */
  late: boolean;
  heartbeatLate: boolean;
}

/** The operation (locked first, as the engine locks it) and one of its waits, locked after. */
export interface Locked {
  op: LoadedOperation;
  wait: WaitRow;
  def: StepDefinition | null;
}

export async function lockWait(
  tx: Tx,
  registry: WorkflowRegistry,
  operationId: string,
  find: { waitId: string } | { step: string },
): Promise<Locked | null> {
  const op = (await loadOperations(tx.sql, [operationId], { lock: true })).get(operationId);
  if (!op) return null;
  const filter =
    "waitId" in find ? tx.sql`id = ${find.waitId}` : tx.sql`step = ${find.step} and kind = 'acknowledgment'`;
  const [wait] = await tx.sql<WaitRow[]>`
    select id, operation_id as "operationId", step, state, target, outcome, payload,
      payload_hash as "payloadHash", completed_by as "completedBy", completed_at as "completedAt",
      deadline_at as "deadlineAt", created_at as "createdAt", coalesce(deadline_at <= now(), false) as late,
      coalesce(heartbeat_deadline_at <= now(), false) as "heartbeatLate"
    from waits where operation_id = ${operationId} and ${filter}
    -- By step: the open wait if there is one, else the latest (its answer is replayed from it).
    order by (state = 'waiting') desc, created_at desc limit 1
    for update`;
  if (!wait) return null;
  const workflow = registry.get(op.type, op.version);
  const def = workflow?.steps.find((s) => s.name === wait.step) ?? null;
  return { op, wait, def };
}

/** The step row is still its wait's: no operator action or takeover moved it meanwhile. */
export function stepHeldBy(locked: Locked): number | null {
  if (isTerminal(locked.op.state.status)) return null;
  const row = locked.op.rows.find((r) => r.name === locked.wait.step);
  if (row?.status !== "running" || row.leaseOwner !== WAIT_LEASE_PREFIX + locked.wait.id) return null;
  return row.position;
}

/**
 * Ends the wait's step the way `outcome` says, in the caller's transaction: the step's result
 * (or its classified failure), the operation's status, the events and the job that continues
 * it (the next step, a retry, the compensation), and the wait row's final state. Null when
 * the operation's state refuses it (then nothing was written).
 */
export async function finishWait(
  tx: Tx,
  runs: Pick<RunQueue, "enqueue">,
  locked: Locked,
  position: number,
  outcome: { type: "succeeded"; output: unknown } | { type: "error"; error: ClassifiedError },
  record: {
    state: "completed" | "expired";
    outcome: WaitOutcome;
    payload: unknown;
    payloadHash: string | null;
    by: string;
    actor: string;
    /** Written before the step's own events; none for the deadline (its block or failure says it). */
    event: EventToWrite | null;
    now: Date;
  },
): Promise<Plan | null> {
  const { op, wait, def } = locked;
  if (!def) return null;
  // How long the other system took: the wait's own duration, not an attempt's.
  const durationMs = Math.max(0, record.now.getTime() - new Date(wait.createdAt).getTime());
  const plan = planOutcome(
    op.state,
    def,
    outcome.type === "succeeded"
      ? { type: "succeeded", output: outcome.output, durationMs }
      : { type: "error", error: outcome.error, durationMs },
    record.now,
    Math.random(),
  );
  if (!plan) return null;
  const commit: Commit = {
    operationId: op.id,
    token: op.token,
    owner: WAIT_LEASE_PREFIX + wait.id,
    leaseMs: 0,
    guard: { kind: "lease", position },
    before: op.state,
    after: plan.after,
    leases: { [position]: "release" },
    events: record.event ? [record.event, ...plan.events] : plan.events,
    actor: record.actor,
    positions: op.rows.map((r) => r.position),
  };
  const token = await commitState(tx.sql, commit);
  if (!token) return null;
  // `record.now`, not the database's: the first answer reports it, and a repeat reads it back.
  await tx.sql`update waits set state = ${record.state}, outcome = ${record.outcome},
      payload = ${JSON.stringify(record.payload ?? null)}::jsonb, payload_hash = ${record.payloadHash},
      completed_by = ${record.by}, completed_at = ${record.now.toISOString()}::timestamptz, updated_at = now()
    where id = ${wait.id} and state = 'waiting'`;
  const jobs: RunJob[] = [];
  if (plan.retryAt) jobs.push({ data: { operationId: op.id, reason: "retry" }, startAfter: plan.retryAt });
  else if (!isTerminal(plan.after.status) && !plan.after.block) {
    jobs.push({ data: { operationId: op.id, reason: "resume" } });
  }
  if (jobs.length > 0) await runs.enqueue(tx, jobs);
  return plan;
}

/** A refused acknowledgment (late, or for a finished operation) on the operation's timeline. */
export async function recordRefusal(
  tx: Tx,
  wait: WaitRow,
  actor: string,
  data: Record<string, unknown>,
): Promise<void> {
  await tx.sql`insert into events (operation_id, type, step, actor, data)
    values (${wait.operationId}, 'acknowledgment_refused', ${wait.step}, ${actor},
      ${JSON.stringify({ waitId: wait.id, ...data })}::jsonb)`;
}
