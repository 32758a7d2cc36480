import type { Sql } from "postgres";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { withTickLock } from "@/db/tick-lock";
import { alertRules } from "@/server/alerts/rules";
import type { SyntheticOutcome } from "@/server/domain/alerts";
import type { TrackPresenter } from "@/server/presenters/track/track-presenter";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { SYNTHETIC_DEADLINE_MS } from "@/server/workflows/kit/types";
import { probe } from "./probe";

/** A run left unfinished this long past its deadline belongs to a worker that died: it is closed as failed. */
const ABANDONED_AFTER_MS = 30_000;

export interface SyntheticDeps {
  db: Db;
  registry: WorkflowRegistry;
  /** The end user's read model (services.presenters.track, or one built over the same db). */
  track: Pick<TrackPresenter, "call">;
  /** The web's base URL as this process reaches it (syntheticSettings().baseUrl). */
  baseUrl: string;
  /** The checker's key (ensureSyntheticKey): what it starts is synthetic. */
  apiKey: string;
  now?: () => Date;
  fetch?: typeof fetch;
  pollMs?: number;
  /** The figures' clock (probe.ts); performance.now by default. */
  clock?: () => number;
}

export interface SyntheticRun {
  id: string;
  workflowType: string;
  operationId: string | null;
  startedAt: Date;
  acceptedMs: number | null;
  completedMs: number | null;
  visibleMs: number | null;
  outcome: SyntheticOutcome;
  error: string | null;
}

export type SyntheticCheckResult =
  | { ran: true; run: SyntheticRun }
  /**
   * in_flight: a run of the type is unfinished (the unique index synthetic_runs_in_flight_uq);
   * done: one already started in this slot; locked: another process is claiming right now;
   * stopped: the worker stopped mid-run (the run row is dropped: it measured nothing).
   */
  | { ran: false; reason: "not_opted_in" | "in_flight" | "done" | "locked" | "stopped" };

/**
 * One synthetic check of a workflow type that opts in (its definition's `synthetic`): claims
 * the type's one in-flight run row, sends one operation through the real public HTTP path
 * (probe.ts), and records what it measured — accepted, completed, visible — with the outcome:
 * `passed`, `slow` (visible later than the synthetic_check alert's budget) or `failed` (with the
 * error: unreachable web, a refusal, the operation failing, the deadline passing).
 *
 * `slotMs`: at most one run per slot of this length across every process (the worker's loop);
 * without it, one whenever none is in flight.
 */
export async function runSyntheticCheck(
  deps: SyntheticDeps,
  options: {
    workflowType: string;
    slotMs?: number;
    signal?: AbortSignal;
    /** Replaces the definition's deadline (tests). */
    deadlineMs?: number;
  },
): Promise<SyntheticCheckResult> {
  const workflow = deps.registry.latest(options.workflowType);
  const check = workflow?.synthetic;
  if (!workflow || !check) return { ran: false, reason: "not_opted_in" };
  const deadlineMs = options.deadlineMs ?? check.deadlineMs ?? SYNTHETIC_DEADLINE_MS;
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const claim = await claimRun(deps.db, workflow.type, startedAt, deadlineMs, options.slotMs);
  if (!claim.ran) return claim;
  const id = claim.id;

  let run: SyntheticRun;
  try {
    const found = await probe({
      baseUrl: deps.baseUrl,
      apiKey: deps.apiKey,
      workflowType: workflow.type,
      input: check.input,
      deadlineMs,
      track: deps.track,
      signal: options.signal,
      pollMs: deps.pollMs,
      idempotencyKey: `synthetic-${id}`,
      fetch: deps.fetch,
      clock: deps.clock,
    });
    // Cut short by a stop, it measured nothing: no row, so no alert from a deploy.
    if (options.signal?.aborted && found.error) {
      await deps.db.$client`delete from synthetic_runs where id = ${id}`;
      return { ran: false, reason: "stopped" };
    }
    const budgetMs = await budgetOf(deps, workflow.type);
    const outcome: SyntheticOutcome = found.error
      ? "failed"
      : budgetMs !== null && (found.visibleMs ?? 0) > budgetMs
        ? "slow"
        : "passed";
    run = { id, workflowType: workflow.type, startedAt, outcome, ...found };
  } catch (error) {
    // Only our own bookkeeping can throw here (the probe words what it finds): still close the run.
    run = {
      id,
      workflowType: workflow.type,
      startedAt,
      operationId: null,
      acceptedMs: null,
      completedMs: null,
      visibleMs: null,
      outcome: "failed",
      error: `the checker broke: ${(error as Error).message}`,
    };
  }
  await deps.db.$client`
    update synthetic_runs set operation_id = ${run.operationId}, accepted_ms = ${run.acceptedMs},
      completed_ms = ${run.completedMs}, visible_ms = ${run.visibleMs}, outcome = ${run.outcome},
      error = ${run.error}, finished_at = ${now().toISOString()}
    where id = ${id}`;
  return { ran: true, run };
}

/**
 * The type's run row, claimed under its tick lock: first a run abandoned by a dead worker is
 * closed as failed, then (with a slot) a run already started in this slot means done, then the
 * insert — which the partial unique index refuses while another run is unfinished.
 */
async function claimRun(
  db: Db,
  type: string,
  startedAt: Date,
  deadlineMs: number,
  slotMs: number | undefined,
): Promise<{ ran: true; id: string } | { ran: false; reason: "in_flight" | "done" | "locked" }> {
  const id = uuidv7();
  const at = startedAt.toISOString();
  const abandonedBefore = new Date(startedAt.getTime() - deadlineMs - ABANDONED_AFTER_MS).toISOString();
  const claimed = await withTickLock(db.$client as Sql, `synthetic.${type}`, async (tx) => {
    await tx`update synthetic_runs set outcome = 'failed', finished_at = ${at},
        error = 'the run was never finished: the worker running it stopped or died'
      where workflow_type = ${type} and finished_at is null and started_at < ${abandonedBefore}`;
    if (slotMs !== undefined) {
      const slotStart = new Date(Math.floor(startedAt.getTime() / slotMs) * slotMs).toISOString();
      const [done] = await tx`select 1 from synthetic_runs
        where workflow_type = ${type} and started_at >= ${slotStart} limit 1`;
      if (done) return "done" as const;
    }
    const inserted = await tx`insert into synthetic_runs (id, workflow_type, started_at)
      values (${id}, ${type}, ${at})
      on conflict (workflow_type) where finished_at is null do nothing returning id`;
    return inserted.length === 0 ? ("in_flight" as const) : ("claimed" as const);
  });
  if (!claimed.ran) return { ran: false, reason: "locked" };
  return claimed.value === "claimed" ? { ran: true, id } : { ran: false, reason: claimed.value };
}

/** The synthetic_check rule's budget for the type (an admin's override included); null when the rule is off. */
async function budgetOf(deps: SyntheticDeps, type: string): Promise<number | null> {
  const rules = await alertRules(deps.db, deps.registry);
  return rules.find((r) => r.rule === "synthetic_check" && r.workflowType === type)?.threshold ?? null;
}
