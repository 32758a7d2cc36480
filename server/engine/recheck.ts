import { transaction } from "@/db/transaction";
import type { RecheckSignal } from "@/server/domain/recheck";
import { nextCheckAt, recheckOf } from "@/server/workflows/kit/recheck";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { PreconditionResult, WorkflowDefinition } from "@/server/workflows/kit/types";
import type { Engine } from "./engine";
import { withTimeout } from "./execute";
import { applyAll, type Plan } from "./plan";
import type { RecheckJob, RunJob, RunQueue } from "./run-queue";
import type { LoadedOperation } from "./store/load";
import { advanced, commitBase, done, reload, type Turn } from "./turn";

export const HANDED_OVER_NOTE =
  "Checked again by itself until the hand-over time; now a person's to resolve.";

/** A re-check job: a signal's one-off (no `schedule`), or check `check` of a block's schedule. */
export function recheckJob(
  operationId: string,
  step: string,
  check: number,
  schedule?: { at: Date; handOverAt: Date },
): RunJob {
  const recheck = schedule
    ? { step, check, scheduled: true, handOverAt: schedule.handOverAt.toISOString() }
    : { step, check, scheduled: false };
  return {
    data: { operationId, reason: "recheck", recheck },
    ...(schedule ? { startAfter: schedule.at } : {}),
  };
}

/**
 * One re-check of a block that may clear by itself (a precondition result marked `recheck`):
 * the step's precondition runs again, read-only. When it passes (or now says something else)
 * the block is lifted in one commit and the run carries on through the normal path, which
 * checks once more under the step's lease before acting. When it still blocks: before the
 * hand-over time, the schedule's job writes the next one; at it, the block's action becomes
 * the person's (`handOverAction`) and no check follows. The hand-over time is the one the
 * block's own event recorded, so it survives restarts and a signal's extra checks.
 */
export async function recheckBlock(
  engine: Engine,
  op: LoadedOperation,
  workflow: WorkflowDefinition,
  job: RecheckJob,
): Promise<Turn> {
  const block = op.state.block;
  const def = workflow.steps.find((d) => d.name === block?.step);
  const recheck = def?.precondition?.recheck;
  if (!block || !def?.precondition || !recheck || block.step !== job.step) return done("blocked");
  const handOverAt = await openRecheck(engine, op.id, job.step, recheck.handOverAfterMs);
  if (!handOverAt) return done("blocked");
  // Left by an earlier block of the step (a person resumed and it blocked again): that block's
  // own schedule runs now, so this chain ends here.
  if (job.handOverAt && job.handOverAt !== handOverAt.toISOString()) return done("blocked");

  const outputs = Object.fromEntries(
    op.state.steps.filter((s) => s.status === "succeeded").map((s) => [s.name, s.output]),
  );
  let result: PreconditionResult | null;
  try {
    result = await withTimeout(def.timeoutMs, new AbortController().signal, (signal) =>
      def.precondition!.check({
        operationId: op.id,
        input: op.input,
        outputs,
        idempotencyKey: `${op.id}:${def.name}`,
        attempt: op.state.steps.find((s) => s.name === def.name)?.attempts ?? 0,
        signal,
        providers: engine.providers,
      }),
    );
  } catch (error) {
    // The check itself could not run (the warehouse is down): still blocked, try on schedule.
    engine.log(`operation ${op.id}: re-check of "${def.name}" could not run: ${String(error)}`);
    result = null;
  }

  if (result && !recheckOf(def, result)) {
    const after = applyAll(op.state, [{ type: "resumed" }]);
    if (!after) return reload(engine, op.id);
    const plan: Plan = {
      after,
      events: [
        {
          type: "resumed",
          step: def.name,
          data: {
            recheck: true,
            reason: result.ok ? "Checked again by itself: the check passes now." : "Checked again by itself.",
          },
        },
      ],
    };
    const token = await engine.store.commit({ ...commitBase(engine, op, plan, {}), guard: { kind: "none" } });
    if (!token) return reload(engine, op.id);
    return { type: "continue", op: advanced(op, token, after, {}, engine.owner), claimed: false };
  }

  const now = engine.now();
  if (now.getTime() >= handOverAt.getTime()) {
    const reason = result && !result.ok ? result.reason : block.reason;
    const handed = { kind: block.kind, reason, actionRequired: recheck.handOverAction, step: def.name };
    const after = applyAll(op.state, [{ type: "blocked", block: handed }]);
    if (!after) return reload(engine, op.id);
    const plan: Plan = {
      after,
      events: [
        {
          type: "blocked",
          step: def.name,
          data: { kind: handed.kind, reason, actionRequired: handed.actionRequired, handedOver: true },
        },
      ],
    };
    const token = await engine.store.commit({ ...commitBase(engine, op, plan, {}), guard: { kind: "none" } });
    if (!token) return reload(engine, op.id);
    return done("blocked");
  }
  if (job.scheduled) {
    const at = nextCheckAt(recheck, job.check + 1, now, handOverAt);
    await transaction(engine.db, (tx) =>
      engine.runs.enqueue(tx, [recheckJob(op.id, def.name, job.check + 1, { at, handOverAt })]),
    );
  }
  return done("blocked");
}

/**
 * The hand-over time of the block's re-checks, from the newest `blocked` event of the step:
 * null when that block does not re-check (a person's block, or already handed over).
 */
async function openRecheck(
  engine: Engine,
  operationId: string,
  step: string,
  handOverAfterMs: number,
): Promise<Date | null> {
  const [row] = await engine.db.$client<{ data: Record<string, unknown> | null; at: Date }[]>`
    select data, at from events
    where operation_id = ${operationId} and type = 'blocked' and step = ${step}
    order by id desc limit 1`;
  if (!row || row.data?.handedOver) return null;
  const recheck = row.data?.recheck as { handOverAt?: unknown } | undefined;
  if (typeof recheck?.handOverAt === "string") return new Date(recheck.handOverAt);
  // Blocked before its step declared re-checks (an operation in flight across the deploy): a
  // signal still checks it, with the hand-over counted from when it blocked.
  return new Date(new Date(row.at).getTime() + handOverAfterMs);
}

/**
 * The authoritative state named by `signal` changed (the warehouse restocked): every operation
 * blocked on a step that re-checks on it gets a one-off check now, written in the caller's
 * transaction. Returns how many were asked.
 */
export async function recheckOn(
  tx: Parameters<RunQueue["enqueue"]>[0],
  deps: { runs: Pick<RunQueue, "enqueue">; registry: Pick<WorkflowRegistry, "all"> },
  signal: RecheckSignal,
): Promise<number> {
  const steps = new Map<string, Set<string>>();
  for (const w of deps.registry.all()) {
    for (const s of w.steps) {
      if (!s.precondition?.recheck?.on?.includes(signal)) continue;
      const key = `${w.type}@${w.version}`;
      steps.set(key, (steps.get(key) ?? new Set()).add(s.name));
    }
  }
  if (steps.size === 0) return 0;
  const types = [...new Set([...steps.keys()].map((k) => k.split("@")[0]!))];
  const rows = await tx.sql<{ id: string; type: string; version: number; current_step: string | null }[]>`
    select id, type, version, current_step from operations
    where status = 'blocked' and type = any(${types})
    order by id limit 10000`;
  const jobs = rows
    .filter((r) => r.current_step && steps.get(`${r.type}@${r.version}`)?.has(r.current_step))
    .map((r) => recheckJob(r.id, r.current_step!, 0));
  if (jobs.length > 0) await deps.runs.enqueue(tx, jobs);
  return jobs.length;
}
