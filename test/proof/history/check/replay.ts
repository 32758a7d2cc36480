import type { OperationState } from "@/server/domain/operation-state";
import type { OperationStatus, StepStatus } from "@/server/domain/statuses";
import type { Change } from "./facts";

/**
 * Rebuilds each operation's state, transaction by transaction, from the change log: what the
 * transition and attempt checks compare with the oracle. Lease-only step changes (a sweeper or a
 * heartbeat moving the lease, status and attempts as they were) are not state changes and are
 * dropped first: they are written without the operation's lock, so they may fall between
 * another transaction's rows.
 */
export interface Snapshot {
  txid: string;
  state: OperationState;
  /** Events written in this transaction, in id order. */
  events: { id: number; type: string; step: string | null; actor: string }[];
  /** Step changes of this transaction (status, attempts, lease holder). */
  steps: {
    name: string;
    status: StepStatus;
    attempts: number;
    leaseOwner: string | null;
    /** The claim took the step from a holder whose lease was still live (instrument.ts). */
    liveTakeover?: boolean;
  }[];
  operationRow: boolean;
  firstSeq: number;
  lastSeq: number;
}

export function stateChanges(changes: Change[]): Change[] {
  const last = new Map<string, { status: string; attempts: number }>();
  return changes.filter((c) => {
    if (c.kind !== "step") return true;
    const key = `${c.operationId}/${c.row.position}`;
    const prev = last.get(key);
    last.set(key, { status: c.row.status, attempts: c.row.attempts });
    return !prev || prev.status !== c.row.status || prev.attempts !== c.row.attempts;
  });
}

/** The operation's snapshots after each of its transactions (the first is intake's). */
export function snapshots(txns: Change[][]): Snapshot[] {
  const out: Snapshot[] = [];
  let state: OperationState | null = null;
  for (const txn of txns) {
    const steps = txn.filter((c) => c.kind === "step").sort((a, b) => a.row.position - b.row.position);
    const ops = txn.filter((c) => c.kind === "operation");
    const base: OperationState = state ?? {
      status: "accepted",
      steps: [],
      block: null,
      failure: null,
      result: null,
    };
    const nextSteps = [...base.steps];
    for (const c of steps) {
      nextSteps[c.row.position] = {
        name: c.row.name,
        status: c.row.status,
        attempts: c.row.attempts,
        output: null,
        lastError: null,
        skipReason: c.row.skipReason ?? null,
        nextAttemptAt: null,
      };
    }
    const row = ops[ops.length - 1]?.row;
    const next: OperationState = row
      ? {
          status: row.status as OperationStatus,
          steps: nextSteps,
          block:
            row.blockedKind && row.blockedReason && row.actionRequired
              ? {
                  kind: row.blockedKind,
                  reason: row.blockedReason,
                  actionRequired: row.actionRequired,
                  step: row.currentStep,
                }
              : null,
          failure: row.error ?? null,
          result: null,
        }
      : { ...base, steps: nextSteps };
    state = next;
    out.push({
      txid: txn[0]!.txid,
      state: next,
      events: txn
        .filter((c) => c.kind === "event")
        .map((c) => c.row)
        .sort((a, b) => a.id - b.id),
      steps: steps.map((c) => c.row),
      operationRow: ops.length > 0,
      firstSeq: txn[0]!.seq,
      lastSeq: txn[txn.length - 1]!.seq,
    });
  }
  return out;
}

/** What the oracle's states are compared on. */
export function projection(s: OperationState): string {
  return JSON.stringify([
    s.status,
    s.block?.kind ?? null,
    s.failure ? 1 : 0,
    s.steps.map((step) => `${step.status}:${step.attempts}`),
  ]);
}
