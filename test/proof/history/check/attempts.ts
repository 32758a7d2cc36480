import type { HistoryEntry } from "../record";
import type { Violation } from "./facts";
import type { Snapshot } from "./replay";

const CHECK = "one_active_attempt";

/**
 * At most one active attempt per step at any time, seen two ways:
 * - in the database: a step's attempt number only grows, by one, and only when it is claimed
 *   (status → running with a lease holder), and never over a running attempt whose holder's
 *   lease was still live at the claim (the trigger compares on the database's clock);
 * - in the workers: the effects they ran (from the engine's beforeEffect/afterEffect hooks)
 *   never overlap in time for one step, and each ran under a claim the log shows, by the
 *   worker that held it.
 */
export function checkAttemptsInLog(operationId: string, snaps: Snapshot[]): Violation[] {
  const out: Violation[] = [];
  const last = new Map<string, { status: string; attempts: number }>();
  for (const snap of snaps) {
    for (const s of snap.steps) {
      const prev = last.get(s.name) ?? { status: "pending", attempts: 0 };
      last.set(s.name, s);
      if (s.attempts < prev.attempts) {
        out.push({
          check: CHECK,
          operationId,
          detail: `step ${s.name}: attempts went from ${prev.attempts} to ${s.attempts}`,
        });
      } else if (s.attempts > prev.attempts) {
        if (s.liveTakeover)
          out.push({
            check: CHECK,
            operationId,
            detail: `step ${s.name}: attempt ${s.attempts} was claimed while attempt ${prev.attempts}'s lease was live`,
          });
        if (s.attempts !== prev.attempts + 1)
          out.push({
            check: CHECK,
            operationId,
            detail: `step ${s.name}: attempts jumped ${prev.attempts} → ${s.attempts}`,
          });
        if (s.status !== "running" || !s.leaseOwner)
          out.push({
            check: CHECK,
            operationId,
            detail: `step ${s.name}: attempt ${s.attempts} began as ${s.status} without a lease holder`,
          });
      }
    }
  }
  return out;
}

/** Every claim in the log: (operation, step, attempt) → the worker that took it. */
export function claimsOf(operationId: string, snaps: Snapshot[], into: Map<string, string>): void {
  for (const snap of snaps) {
    for (const s of snap.steps) {
      if (s.status === "running" && s.leaseOwner)
        into.set(`${operationId}/${s.name}/${s.attempts}`, s.leaseOwner);
    }
  }
}

export function checkEffects(history: HistoryEntry[], claims: Map<string, string>): Violation[] {
  const out: Violation[] = [];
  const byStep = new Map<string, HistoryEntry[]>();
  for (const e of history) {
    if (e.op !== "effect") continue;
    const { operationId, step, attempt, worker } = e.args as {
      operationId: string;
      step: string;
      attempt: number;
      worker: string;
    };
    const owner = claims.get(`${operationId}/${step}/${attempt}`);
    if (owner !== worker) {
      out.push({
        check: CHECK,
        operationId,
        entry: e.i,
        detail: `worker ${worker} ran ${step} attempt ${attempt}, but the log shows ${owner ? `${owner}'s` : "no"} claim of it`,
      });
    }
    const key = `${operationId}/${step}`;
    const list = byStep.get(key) ?? [];
    list.push(e);
    byStep.set(key, list);
  }
  for (const [key, list] of byStep) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      if (cur.start < prev.end) {
        out.push({
          check: CHECK,
          operationId: key.split("/")[0],
          entry: cur.i,
          detail: `${key}: attempt ${cur.args.attempt} started while attempt ${prev.args.attempt} (entry ${prev.i}) still ran`,
        });
      }
    }
  }
  return out;
}
