import type { OperationState } from "./operation-state";
import { isStepDone, type OperationStatus } from "./statuses";

/**
 * The one function that says what a person sees. Precedence, first match wins:
 * 1. `failed`     — the failure is final (compensations done or waived);
 * 2. `completed`  — every step succeeded or was skipped with a reason, and no failure is pending;
 * 3. `blocked`    — a person must act (carries a reason and an action);
 * 4. `accepted`   — nothing has started and nothing is going wrong;
 * 5. `processing` — anything else: a step is running, retrying, queued, or compensating.
 */
export function deriveStatus(
  state: Pick<OperationState, "status" | "steps" | "block" | "failure">,
): OperationStatus {
  if (state.status === "failed") return "failed";
  // Not while a failure is pending (cancelled while the last step ran): the undos run, then `failed`.
  if (!state.failure && state.steps.length > 0 && state.steps.every((s) => isStepDone(s.status)))
    return "completed";
  if (state.block) return "blocked";
  const untouched = state.steps.every((s) => s.status === "pending" && s.attempts === 0);
  if (untouched && !state.failure) return "accepted";
  return "processing";
}
