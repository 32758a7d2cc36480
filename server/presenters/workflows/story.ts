import { formatDuration } from "@/server/domain/duration";
import { ERROR_CLASSES, type ErrorClass } from "@/server/domain/statuses";
import type { RetryPolicy, WorkflowDefinition } from "@/server/workflows/kit/types";

/**
 * A workflow's execution story, generated from its definition: what the team reviews
 * before it ships and what support reads to learn what a stage means. Every sentence is
 * built from the definition, so the page cannot drift from what runs.
 */
export interface StoryStep {
  position: number;
  name: string;
  title: string;
  userText: string;
  userActionText: string | null;
  userWaitText: string | null;
  /** For staff: what may have happened when an answer was lost, and why resuming is safe. */
  unknownOutcomeText: string | null;
  precondition: string | null;
  effect: string;
  compensation: { kind: "undo"; text: string } | { kind: "none"; text: string };
  retry: string;
  onExhausted: "block" | "fail";
  timeout: string;
  errors: { errorClass: ErrorClass; text: string }[];
}

export interface WorkflowStory {
  type: string;
  version: number;
  title: string;
  description: string;
  completion: string;
  objective: string;
  stuckAfter: string;
  runbook: string;
  text: { accepted: string; completed: string; failed: string };
  steps: StoryStep[];
  /** What raises an alert for this workflow, from its objective and thresholds. */
  alerts: string[];
}

export function retrySentence(policy: RetryPolicy): string {
  const exhausted =
    (policy.onExhausted ?? "block") === "block" ? "then waits for a person" : "then fails the operation";
  if (policy.maxAttempts <= 1) return `One attempt, no retry; ${exhausted.replace("then ", "on error it ")}.`;
  const growth =
    policy.backoff > 1 ? `, ×${policy.backoff} each time up to ${formatDuration(policy.maxDelayMs)}` : "";
  return `Up to ${policy.maxAttempts} attempts: first retry after ${formatDuration(policy.initialDelayMs)}${growth}; ${exhausted}.`;
}

export function workflowStory(d: WorkflowDefinition): WorkflowStory {
  return {
    type: d.type,
    version: d.version,
    title: d.title,
    description: d.description,
    completion:
      d.completion.mode === "sync"
        ? `Synchronous: the API answers with the finished operation when it completes within ${formatDuration(d.completion.budgetMs)}, otherwise 202 and it goes on in the background.`
        : "Staged: the API answers 202 at once; the operation goes on in workers and reports each stage.",
    objective: `95% complete within ${formatDuration(d.objective.p95Ms)} of being accepted.`,
    stuckAfter: `Stuck when nothing has moved for ${formatDuration(d.stuckAfterMs)}.`,
    runbook: d.runbook,
    text: d.text,
    steps: d.steps.map((s, position) => ({
      position,
      name: s.name,
      title: s.title,
      userText: s.userText,
      userActionText: s.userActionText ?? null,
      userWaitText: s.userWaitText ?? null,
      unknownOutcomeText: s.unknownOutcomeText ?? null,
      precondition: s.precondition?.description ?? null,
      effect: s.effect.description,
      compensation:
        "none" in s.compensation
          ? { kind: "none", text: s.compensation.none }
          : { kind: "undo", text: s.compensation.description },
      retry: retrySentence(s.retry),
      onExhausted: s.retry.onExhausted ?? "block",
      timeout: formatDuration(s.timeoutMs),
      errors: ERROR_CLASSES.flatMap((c) => (s.errors?.[c] ? [{ errorClass: c, text: s.errors[c]! }] : [])),
    })),
    alerts: [
      `Completion lag p95 above ${formatDuration(d.objective.p95Ms)} over the last hour.`,
      `Any operation with no progress for ${formatDuration(d.stuckAfterMs)}.`,
      "Any operation blocked after its retries ran out.",
    ],
  };
}
