import type { HistoryEntry } from "../record";
import { checkAcknowledged } from "./acknowledged";
import { checkAnswers } from "./answers";
import { checkAttemptsInLog, checkEffects, claimsOf } from "./attempts";
import { checkAudit } from "./audit";
import type { EventFact, Facts, Violation } from "./facts";
import { transactionsByOperation } from "./facts";
import { snapshots, stateChanges } from "./replay";
import { checkTimeline, NOTE_EVENTS } from "./timeline";
import { checkTransitions } from "./transitions";

export const CHECKS = [
  "one_active_attempt",
  "legal_transitions",
  "contiguous_timeline",
  "one_audit_per_action",
  "acknowledged_readable",
  "well_formed_answers",
] as const;
export type CheckName = (typeof CHECKS)[number];

export interface Verdict {
  counts: {
    requests: number;
    actions: number;
    actionsAccepted: number;
    /** Bulk actions confirmed, and the operations they changed. */
    bulkActions: number;
    bulkTargetsActed: number;
    operations: number;
    transactions: number;
    events: number;
    effects: number;
    workerKills: number;
  };
  violations: Record<CheckName, Violation[]>;
}

/** The offline check of one run: the history and the database after settling, nothing else. */
export function checkHistory(history: HistoryEntry[], facts: Facts): Verdict {
  const isNote = (c: Facts["changes"][number]) => c.kind === "event" && NOTE_EVENTS.has(c.row.type);
  const byOp = transactionsByOperation(stateChanges(facts.changes.filter((c) => !isNote(c))));
  const notesLogged = groupIds(
    facts.changes.filter(isNote).map((c) => ({ operationId: c.operationId, id: c.row.id })),
  );
  const storedEvents = new Map<string, EventFact[]>();
  const notesStored = new Map<string, number[]>();
  for (const e of facts.events) {
    if (NOTE_EVENTS.has(e.type)) {
      notesStored.set(e.operationId, [...(notesStored.get(e.operationId) ?? []), e.id]);
      continue;
    }
    const list = storedEvents.get(e.operationId) ?? [];
    list.push(e);
    storedEvents.set(e.operationId, list);
  }
  const status = new Map(facts.operations.map((o) => [o.id, o.status]));
  const violations: Record<CheckName, Violation[]> = Object.fromEntries(CHECKS.map((c) => [c, []])) as never;
  const claims = new Map<string, string>();
  let transactions = 0;
  for (const id of new Set([...byOp.keys(), ...status.keys()])) {
    const snaps = snapshots(byOp.get(id) ?? []);
    transactions += snaps.length;
    violations.legal_transitions.push(...checkTransitions(id, snaps));
    violations.one_active_attempt.push(...checkAttemptsInLog(id, snaps));
    claimsOf(id, snaps, claims);
    violations.contiguous_timeline.push(
      ...checkTimeline(
        id,
        snaps,
        storedEvents.get(id) ?? [],
        { logged: notesLogged.get(id) ?? [], stored: notesStored.get(id) ?? [] },
        status.get(id),
      ),
    );
  }
  violations.one_active_attempt.push(...checkEffects(history, claims));
  violations.one_audit_per_action.push(...checkAudit(history, facts.audit, facts.bulkTargets));
  violations.acknowledged_readable.push(...checkAcknowledged(history, facts.operations));
  violations.well_formed_answers.push(...checkAnswers(history));
  const actions = history.filter((e) => e.op === "action");
  return {
    counts: {
      requests: history.filter((e) => /^c\d/.test(e.client)).length,
      actions: actions.length,
      actionsAccepted: actions.filter((e) => e.answer.ok === true).length,
      bulkActions: history.filter((e) => e.op === "bulk" && e.answer.ok === true).length,
      bulkTargetsActed: facts.bulkTargets.filter((t) => t.outcome === "succeeded").length,
      operations: facts.operations.length,
      transactions,
      events: facts.events.length,
      effects: history.filter((e) => e.op === "effect").length,
      workerKills: history.filter((e) => e.op === "kill_worker").length,
    },
    violations,
  };
}

function groupIds(rows: { operationId: string; id: number }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.operationId, [...(out.get(r.operationId) ?? []), r.id]);
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}
