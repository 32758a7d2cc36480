import type { BlockKind, OperationStatus, StepStatus } from "@/server/domain/statuses";
import {
  type Behaviour,
  HAS_UNDO,
  MAX_ATTEMPTS,
  MODEL_STEPS,
  ON_EXHAUSTED,
  type UndoBehaviour,
} from "./workflow";

/**
 * The simple model the real engine is compared with: written from the rules in words
 * (docs/DESIGN.md, the engine's doc comments), not from the engine's code. Each function
 * takes a copy and returns what the real system must look like after the command.
 */
export interface ModelStepState {
  status: StepStatus;
  attempts: number;
}

export interface Model {
  id: string;
  terminal: "completed" | "failed" | null;
  steps: ModelStepState[];
  block: { kind: BlockKind; compensation: boolean } | null;
  failing: boolean;
  /** Per step: effects that ended well, effect invocations, undos that ended well. */
  applied: number[];
  invoked: number[];
  undone: number[];
  /** An attempt held open in a worker: alive (lease live) or killed (lease expired); `taken` once fenced. */
  inflight: { step: number; alive: boolean; taken: boolean } | null;
  /** Effects that ended well in an attempt already fenced out (its result discarded). */
  late: number[];
}

export function initialModel(id: string): Model {
  const n = MODEL_STEPS.length;
  return {
    id,
    terminal: null,
    steps: MODEL_STEPS.map(() => ({ status: "pending", attempts: 0 })),
    block: null,
    failing: false,
    applied: Array(n).fill(0),
    invoked: Array(n).fill(0),
    undone: Array(n).fill(0),
    inflight: null,
    late: Array(n).fill(0),
  };
}

const done = (s: ModelStepState) => s.status === "succeeded" || s.status === "skipped";

export function modelStatus(m: Model): OperationStatus {
  if (m.terminal) return m.terminal;
  if (m.block) return "blocked";
  if (!m.failing && m.steps.every((s) => s.status === "pending" && s.attempts === 0)) return "accepted";
  return "processing";
}

function completeIfDone(m: Model): void {
  if (!m.failing && m.steps.every(done)) {
    m.terminal = "completed";
    m.block = null;
  }
}

function block(m: Model, i: number, kind: BlockKind): void {
  const s = m.steps[i]!;
  if (s.status === "running" || s.status === "retrying") s.status = "pending";
  m.block = { kind, compensation: false };
}

/** A transient end of attempt `attempts` of step `i`: retry, or what the step does when out of retries. */
function transient(m: Model, i: number): "waiting" | "blocked" | "failing" {
  const s = m.steps[i]!;
  if (s.attempts < MAX_ATTEMPTS) {
    s.status = "retrying";
    return "waiting";
  }
  if (ON_EXHAUSTED[MODEL_STEPS[i]!] === "fail") {
    s.status = "failed";
    m.failing = true;
    return "failing";
  }
  block(m, i, "retries_exhausted");
  return "blocked";
}

/** What an attempt's end does to step `i` (running): the outcome committed by its worker. */
export function settleAttempt(m: Model, i: number, b: Behaviour): void {
  const s = m.steps[i]!;
  if (b === "ok") {
    m.applied[i]!++;
    s.status = "succeeded";
    completeIfDone(m);
  } else if (b === "permanent" || b === "pre_fail") {
    s.status = "failed";
    m.failing = true;
    m.block = null;
  } else if (b === "person") block(m, i, "awaiting_person");
  else if (b === "pre_block") block(m, i, "precondition_failed");
  else transient(m, i);
}

/**
 * One run of the operation by a fresh worker that stops after one step attempt (as a paused
 * type makes it): the failing path runs every undo it can in the same run.
 */
export function predictRun(m: Model, b: Behaviour, undo: UndoBehaviour): void {
  for (let turn = 0; turn < 10; turn++) {
    if (m.terminal || m.block) return;
    if (m.failing) {
      // A step still running under a live lease: its worker will settle it first (fix of the
      // finding: the undo path used to finish the operation under it, leaving its effect undone).
      if (m.inflight?.alive && !m.inflight.taken) return;
      // A step with an undo whose worker died mid-attempt: nobody knows if it happened, so a
      // person must check and undo it by hand; the block frees its lease and resets it to pending.
      const orphan = m.steps.findIndex((s, k) => s.status === "running" && HAS_UNDO[MODEL_STEPS[k]!]);
      if (orphan >= 0) {
        m.steps[orphan]!.status = "pending";
        m.block = { kind: "retries_exhausted", compensation: true };
        if (m.inflight) m.inflight.taken = true;
        return;
      }
      const i = m.steps.findLastIndex((s, k) => s.status === "succeeded" && HAS_UNDO[MODEL_STEPS[k]!]);
      if (i < 0) {
        for (const s of m.steps)
          if (s.status === "pending" || s.status === "retrying" || s.status === "running")
            s.status = "skipped";
        m.terminal = "failed";
        m.block = null;
        return;
      }
      if (undo === "broken") {
        undo = "ok";
        m.block = { kind: "retries_exhausted", compensation: true };
        return;
      }
      m.undone[i]!++;
      m.steps[i]!.status = "compensated";
      continue;
    }
    const i = m.steps.findIndex((s) => !done(s));
    const s = m.steps[i]!;
    if (s.status === "running") {
      const live = m.inflight?.alive && !m.inflight.taken;
      if (live) return; // busy
      // Takeover: the lost attempt counts as a transient failure.
      if (m.inflight) m.inflight.taken = true;
      if (transient(m, i) !== "waiting") continue;
    }
    if (s.status !== "pending" && s.status !== "retrying") return;
    s.status = "running";
    s.attempts++;
    if (b !== "pre_block" && b !== "pre_fail") m.invoked[i]!++;
    if (b === "hang") {
      m.inflight = { step: i, alive: true, taken: false };
      return;
    }
    settleAttempt(m, i, b);
    return;
  }
}

/** The held attempt ends with `b`: committed if its worker still holds the lease, else discarded. */
export function predictFinish(m: Model, b: Behaviour): void {
  const f = m.inflight!;
  m.inflight = null;
  const s = m.steps[f.step]!;
  if (f.taken || m.terminal || s.status !== "running") {
    if (b === "ok") m.late[f.step]!++;
    return;
  }
  s.status = "running";
  settleAttempt(m, f.step, b);
}

export type OperatorAction =
  | { action: "retry" }
  | { action: "replay"; step: number }
  | { action: "resume" }
  | { action: "skip"; step: number }
  | { action: "compensate" }
  | { action: "cancel" };

/** An operator action: true when it is done, false when refused (nothing changes). */
export function predictAction(m: Model, a: OperatorAction): boolean {
  if (m.terminal) return false;
  switch (a.action) {
    case "retry": {
      const s = m.steps.find((x) => x.status === "retrying");
      if (!s) return false;
      s.status = "pending";
      return true;
    }
    case "replay": {
      const s = m.steps[a.step]!;
      if (m.failing) return false;
      if (m.block) {
        // Blocked: only the step the block is about, which sits pending (the block reset it).
        const at = m.steps.findIndex((x) => !done(x));
        if (at !== a.step) return false;
        m.block = null;
        return true;
      }
      if (s.status !== "failed" && s.status !== "retrying") return false;
      s.status = "pending";
      return true;
    }
    case "resume":
      if (!m.block) return false;
      m.block = null;
      return true;
    case "skip": {
      const s = m.steps[a.step]!;
      if (m.failing) return false;
      if (s.status !== "pending" && s.status !== "retrying" && s.status !== "failed") return false;
      const at = m.steps.findIndex((x) => !done(x));
      s.status = "skipped";
      if (m.block && at === a.step) m.block = null;
      completeIfDone(m);
      return true;
    }
    case "compensate":
      if (m.failing) {
        if (!m.block?.compensation) return false;
        m.block = null;
        return true;
      }
      m.failing = true;
      m.block = null;
      failNowIfNothingToUndo(m);
      return true;
    case "cancel":
      if (m.failing) return false;
      m.failing = true;
      m.block = null;
      failNowIfNothingToUndo(m);
      return true;
  }
}

/** A cancel or compensate with nothing to undo and nothing running fails in the action itself. */
function failNowIfNothingToUndo(m: Model): void {
  if (m.steps.some((s) => s.status === "running")) return;
  if (m.steps.some((s, k) => s.status === "succeeded" && HAS_UNDO[MODEL_STEPS[k]!])) return;
  for (const s of m.steps) if (s.status === "pending" || s.status === "retrying") s.status = "skipped";
  m.terminal = "failed";
}
