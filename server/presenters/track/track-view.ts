import type { OperationStatus, StepStatus } from "@/server/domain/statuses";
import { statusText } from "@/server/workflows/kit/status-text";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";

/**
 * What the end user sees of one operation: only the words the workflow defines for them.
 * No ids, step names, error messages or attempts ever go into this object — the page and
 * its live stream are built from it alone.
 */
export type StageState = "done" | "active" | "attention" | "upcoming" | "stopped";
export type TrackState = "received" | "in_progress" | "action_needed" | "completed" | "failed";

export interface TrackView {
  state: TrackState;
  /** The product-language line: "Taking payment…", "Action needed: …", the outcome. */
  headline: string;
  stages: { label: string; state: StageState }[];
  /** The workflow's wording of what the end user must do, when it waits for them. */
  actionNeeded: string | null;
  /** From recent completions of the same workflow: time left, or a note that it runs late. */
  estimate: { kind: "remaining"; ms: number } | { kind: "later_than_usual" } | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface TrackInput {
  status: OperationStatus;
  currentStep: string | null;
  steps: { name: string; status: StepStatus }[];
  createdAt: Date;
  completedAt: Date | null;
}

/** Recent accepted → completed durations of the same workflow type. */
export interface CompletionStats {
  p50Ms: number | null;
  p95Ms: number | null;
  count: number;
}

/** Fewer recent completions than this, and no estimate is given rather than a guess. */
export const MIN_COMPLETIONS_FOR_ESTIMATE = 5;

export function deriveTrackView(
  workflow: WorkflowDefinition,
  op: TrackInput,
  stats: CompletionStats,
  now: Date,
): TrackView {
  const state = trackState(op.status);
  const statusOf = new Map(op.steps.map((s) => [s.name, s.status]));
  const stages = workflow.steps.map((def) => {
    const status = statusOf.get(def.name) ?? "pending";
    return { label: def.userText, state: stageState(status, def.name === op.currentStep, state) };
  });
  const blockedDef =
    state === "action_needed" ? workflow.steps.find((s) => s.name === op.currentStep) : undefined;
  return {
    state,
    headline: statusText(workflow, { status: op.status, currentStep: op.currentStep }),
    stages,
    actionNeeded: blockedDef?.userActionText ?? null,
    estimate: estimate(state, op.createdAt, stats, now),
    startedAt: op.createdAt,
    finishedAt: op.completedAt,
  };
}

function trackState(status: OperationStatus): TrackState {
  switch (status) {
    case "accepted":
      return "received";
    case "processing":
      return "in_progress";
    case "blocked":
      return "action_needed";
    case "completed":
      return "completed";
    case "failed":
      return "failed";
  }
}

function stageState(status: StepStatus, isCurrent: boolean, overall: TrackState): StageState {
  if (overall === "failed") return status === "succeeded" ? "done" : "stopped";
  if (status === "succeeded" || status === "skipped") return "done";
  if (overall === "completed") return "done";
  if (isCurrent)
    return overall === "action_needed" ? "attention" : overall === "received" ? "upcoming" : "active";
  return "upcoming";
}

function estimate(
  state: TrackState,
  createdAt: Date,
  stats: CompletionStats,
  now: Date,
): TrackView["estimate"] {
  if (state !== "received" && state !== "in_progress") return null;
  if (stats.count < MIN_COMPLETIONS_FOR_ESTIMATE || stats.p50Ms === null) return null;
  const elapsed = now.getTime() - createdAt.getTime();
  if (stats.p95Ms !== null && elapsed > stats.p95Ms) return { kind: "later_than_usual" };
  return { kind: "remaining", ms: Math.max(0, stats.p50Ms - elapsed) };
}
