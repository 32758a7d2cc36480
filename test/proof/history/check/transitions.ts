import type { OperationState } from "@/server/domain/operation-state";
import { type Transition, transition } from "@/server/domain/transition";
import type { Violation } from "./facts";
import { projection, type Snapshot } from "./replay";

const CHECK = "legal_transitions";
const MAX_DEPTH = 4;
const err = { message: "oracle", errorClass: "transient" as const };

/**
 * Only legal transitions: every committed change of an operation must be reachable from the
 * state before it through server/domain/transition.ts, the oracle, in at most MAX_DEPTH
 * accepted transitions (one commit may hold several: a step's success and the next claim,
 * an operator's resume and replay). Compared on status, block kind, failing or not, and each
 * step's status and attempts. The first transaction must be intake's planned state.
 */
export function checkTransitions(operationId: string, snaps: Snapshot[]): Violation[] {
  const out: Violation[] = [];
  const first = snaps[0];
  if (!first) return [{ check: CHECK, operationId, detail: "no transaction in the log" }];
  const planned = first.state;
  if (
    planned.status !== "accepted" ||
    planned.steps.length === 0 ||
    planned.steps.some((s) => s.status !== "pending" || s.attempts !== 0)
  ) {
    out.push({
      check: CHECK,
      operationId,
      detail: `intake wrote ${projection(planned)}, not the planned state`,
    });
  }
  for (let i = 1; i < snaps.length; i++) {
    const before = snaps[i - 1]!.state;
    const after = snaps[i]!.state;
    if (projection(before) === projection(after)) continue;
    if (!reachable(before, after)) {
      out.push({
        check: CHECK,
        operationId,
        detail: `transaction ${snaps[i]!.txid}: ${projection(before)} → ${projection(after)} is no sequence of legal transitions`,
      });
    }
  }
  return out;
}

function candidates(state: OperationState, target: OperationState): Transition[] {
  const block = target.block ?? {
    kind: "awaiting_person" as const,
    reason: "r",
    actionRequired: "a",
    step: null,
  };
  const list: Transition[] = [
    { type: "resumed" },
    { type: "cancelled", reason: "oracle" },
    { type: "failed", error: target.failure ?? err },
    { type: "failed" },
  ];
  for (const { name: step } of state.steps) {
    list.push(
      { type: "step_started", step },
      { type: "step_succeeded", step, output: null },
      { type: "retry_scheduled", step, error: err, at: new Date(0) },
      { type: "step_skipped", step, reason: "oracle" },
      { type: "step_failed", step, error: err },
      { type: "step_replayed", step },
      { type: "step_compensated", step },
      { type: "blocked", block: { ...block, step } },
    );
  }
  return list;
}

/** Breadth-first over the oracle's accepted transitions, states compared by projection. */
function reachable(from: OperationState, to: OperationState): boolean {
  const goal = projection(to);
  let frontier = [from];
  const seen = new Set([projection(from)]);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const next: OperationState[] = [];
    for (const state of frontier) {
      for (const t of candidates(state, to)) {
        const r = transition(state, t);
        if (!r.ok) continue;
        const key = projection(r.state);
        if (key === goal) return true;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(r.state);
      }
    }
    frontier = next;
  }
  return false;
}
