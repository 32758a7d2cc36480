import type { BlockKind, OperationStatus, StepStatus } from "@/server/domain/statuses";
import { type EndUserFormView, endUserFormView } from "@/server/workflows/kit/end-user-action";
import { endUserWait, statusText } from "@/server/workflows/kit/status-text";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { type Estimate, estimateRemaining, type StepDurations } from "./eta";

/**
 * What the end user sees of one operation: only the words the workflow defines for them.
 * No ids, step names, error messages or attempts ever go into this object — the page and
 * its live stream are built from it alone.
 */
export type StageState = "done" | "active" | "attention" | "waiting" | "upcoming" | "stopped";
/** `action_needed`: the end user must act; `on_hold`: blocked on us or an outside system. */
export type TrackState = "received" | "in_progress" | "action_needed" | "on_hold" | "completed" | "failed";

export interface TrackView {
  state: TrackState;
  /**
   * The product-language line: "Taking payment…", "Action needed: …" (the end user's move), who
   * is on it while it waits on us, the outcome. The page says it once, in the headline.
   */
  headline: string;
  stages: { label: string; state: StageState }[];
  /** The workflow's wording of what the end user must do, only when it waits for them. */
  actionNeeded: string | null;
  /** The step's form the end user answers here, only while the operation waits for that answer. */
  form: EndUserFormView | null;
  /** From the recent timings of the steps still to go (see eta.ts): a range, or "we'll update you". */
  estimate: Estimate;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface TrackInput {
  status: OperationStatus;
  currentStep: string | null;
  blockedKind?: BlockKind | null;
  /** A step waits on an outside system's or a person's answer (an open durable wait). */
  waiting?: boolean;
  steps: { name: string; status: StepStatus; finishedAt?: Date | null }[];
  createdAt: Date;
  completedAt: Date | null;
}

export function deriveTrackView(
  workflow: WorkflowDefinition,
  op: TrackInput,
  durations: StepDurations,
  now: Date,
): TrackView {
  const wait = op.status === "blocked" ? endUserWait(workflow, op) : null;
  const state = wait ? (wait.on === "you" ? "action_needed" : "on_hold") : trackState(op.status);
  const statusOf = new Map(op.steps.map((s) => [s.name, s.status]));
  const stages = workflow.steps.map((def) => {
    const status = statusOf.get(def.name) ?? "pending";
    return { label: def.userText, state: stageState(status, def.name === op.currentStep, state) };
  });
  return {
    state,
    headline: statusText(workflow, op),
    stages,
    actionNeeded: wait?.on === "you" ? wait.action : null,
    form: wait?.on === "you" ? formOf(workflow, op) : null,
    estimate: estimateRemaining(workflow, op, durations, now),
    startedAt: op.createdAt,
    finishedAt: op.completedAt,
  };
}

function formOf(workflow: WorkflowDefinition, op: TrackInput): EndUserFormView | null {
  if (op.blockedKind !== "awaiting_end_user") return null;
  const action = workflow.steps.find((s) => s.name === op.currentStep)?.endUserAction;
  return action ? endUserFormView(action) : null;
}

function trackState(status: OperationStatus): TrackState {
  switch (status) {
    case "accepted":
      return "received";
    case "processing":
      return "in_progress";
    case "blocked":
      return "on_hold";
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
  if (!isCurrent) return "upcoming";
  if (overall === "action_needed") return "attention";
  if (overall === "on_hold") return "waiting";
  return overall === "received" ? "upcoming" : "active";
}
