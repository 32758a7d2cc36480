import type { Db } from "@/db/client";
import type { BlockKind, OperationStatus, StepStatus } from "@/server/domain/statuses";
import { asNumberOrNull, uuidV7Floor } from "@/server/presenters/rows";
import { SharedRead } from "@/server/presenters/shared-read";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";

/**
 * How long the rest of an operation will take, from what was measured: the recent time each
 * step of the same workflow type took, as the end user waits for it — from the moment the step
 * before it finished (or the operation was accepted) until the step finished, so queueing,
 * attempts and backoff are in it. The estimate adds the p50 (and p90) of the steps still to go,
 * minus what the current step has already taken; it narrows as steps finish. When there is too
 * little history, or the operation waits on a person, an outside system or a retry, it says so
 * instead of giving a number.
 */

/** Steps that finished this recently count. */
export const ETA_WINDOW_MS = 3_600_000;
/** The newest operations of the type read per refresh: enough for a p90, bounded at any volume. */
const ETA_SAMPLE_OPERATIONS = 500;
/** Fewer finished runs of a step than this in the window, and no number is given for it. */
export const MIN_STEP_SAMPLES = 5;
/** One read per workflow type, shared by every track page of that type for this long. */
const ETA_SHARE_MS = 10_000;
/** Workflow types kept at once: more than a deployment registers. */
const ETA_TYPES = 100;
/** The smallest time left ever given: an operation still running is never "due" already. */
export const MIN_REMAINING_MS = 250;

export interface StepTiming {
  p50Ms: number;
  p90Ms: number;
  samples: number;
}

/** Recent timings of each step of one workflow type, by step name. */
export interface StepDurations {
  steps: Record<string, StepTiming>;
}

export const NO_DURATIONS: StepDurations = { steps: {} };

/** Why no number is given: the page words each one for the end user. */
export type UpdateLaterReason = "little_history" | "retrying" | "running_late" | "waiting";

export type Estimate =
  | { kind: "remaining"; lowMs: number; highMs: number }
  | { kind: "update_later"; reason: UpdateLaterReason }
  | null;

export interface EstimateInput {
  status: OperationStatus;
  blockedKind?: BlockKind | null;
  /** A step has an open durable wait (server/waits): an outside system's or a person's answer. */
  waiting?: boolean;
  createdAt: Date;
  steps: { name: string; status: StepStatus; finishedAt?: Date | null }[];
}

/**
 * The time left for one operation (pure). Null once it has finished; `update_later` while it
 * waits on someone (blocked, or a step waiting for an answer), while a step is retrying, when
 * the current step has already run past its usual p90, or when a step still to go has too little
 * recent history.
 */
export function estimateRemaining(
  workflow: WorkflowDefinition,
  op: EstimateInput,
  durations: StepDurations,
  now: Date,
): Estimate {
  if (op.status === "completed" || op.status === "failed") return null;
  if (op.status === "blocked" || op.waiting) return { kind: "update_later", reason: "waiting" };
  // Undoing after a failure: the way ahead is not the steps' usual one, so no number.
  if (op.steps.some((s) => s.status === "failed" || s.status === "compensated"))
    return { kind: "update_later", reason: "little_history" };
  const statusOf = new Map(op.steps.map((s) => [s.name, s]));
  const toGo = workflow.steps.filter((d) => {
    const status = statusOf.get(d.name)?.status ?? "pending";
    return status !== "succeeded" && status !== "skipped";
  });
  const current = toGo[0];
  if (!current) return { kind: "update_later", reason: "little_history" };
  if (statusOf.get(current.name)?.status === "retrying") return { kind: "update_later", reason: "retrying" };
  const timings = toGo.map((d) => durations.steps[d.name]);
  if (timings.some((t) => !t || t.samples < MIN_STEP_SAMPLES))
    return { kind: "update_later", reason: "little_history" };
  // The current step began when the last finished one did (or at acceptance).
  const began = Math.max(
    op.createdAt.getTime(),
    ...op.steps.map((s) => s.finishedAt?.getTime() ?? Number.NEGATIVE_INFINITY),
  );
  const inStep = Math.max(0, now.getTime() - began);
  const [first, ...rest] = timings as StepTiming[];
  if (inStep > first!.p90Ms) return { kind: "update_later", reason: "running_late" };
  const lowMs = Math.max(0, first!.p50Ms - inStep) + rest.reduce((sum, t) => sum + t.p50Ms, 0);
  const highMs = Math.max(0, first!.p90Ms - inStep) + rest.reduce((sum, t) => sum + t.p90Ms, 0);
  const low = Math.max(MIN_REMAINING_MS, Math.round(lowMs));
  return { kind: "remaining", lowMs: low, highMs: Math.max(low, Math.round(highMs)) };
}

/**
 * The recent step timings of a workflow type, one query per type, shared for a few seconds by
 * every track page of that type. Reads the newest operations accepted in the window (by the
 * type + id index) and the steps of theirs that finished in it.
 */
export class EtaPresenter {
  private readonly reads: SharedRead<StepDurations, string>;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.reads = new SharedRead((type) => this.read(type), ETA_SHARE_MS, undefined, ETA_TYPES);
  }

  call(input: { type: string }): Promise<StepDurations> {
    return this.reads.call(undefined, input.type);
  }

  private async read(type: string): Promise<StepDurations> {
    const since = new Date(this.now().getTime() - ETA_WINDOW_MS);
    const rows = await this.db.$client<{ name: string; p50: string; p90: string; n: number }[]>`
      with recent as (
        select o.id, o.created_at from operations o
        where o.type = ${type} and o.id >= ${uuidV7Floor(since)}::uuid
        order by o.id desc limit ${ETA_SAMPLE_OPERATIONS}
      ), spans as (
        select s.name, s.status, s.finished_at,
          extract(epoch from s.finished_at - coalesce(max(s.finished_at) over (partition by s.operation_id
            order by s.position rows between unbounded preceding and 1 preceding), r.created_at)) * 1000 as ms
        from recent r join steps s on s.operation_id = r.id
      )
      select name, percentile_cont(0.5) within group (order by ms) as p50,
        percentile_cont(0.9) within group (order by ms) as p90, count(*)::int as n
      from spans
      where status = 'succeeded' and finished_at >= ${since.toISOString()}::timestamptz and ms >= 0
      group by name`;
    const steps: Record<string, StepTiming> = {};
    for (const r of rows) {
      const p50 = asNumberOrNull(r.p50);
      const p90 = asNumberOrNull(r.p90);
      if (p50 !== null && p90 !== null) steps[r.name] = { p50Ms: p50, p90Ms: p90, samples: r.n };
    }
    return { steps };
  }
}
