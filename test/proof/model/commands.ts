import fc from "fast-check";
import { expect } from "vitest";
import {
  type Model,
  modelStatus,
  type OperatorAction,
  predictAction,
  predictFinish,
  predictRun,
} from "./model";
import type { RealSystem } from "./real";
import { type Behaviour, HAS_UNDO, MODEL_STEPS, type UndoBehaviour } from "./workflow";

/** Counts for the printed summary of a run. */
export const tally = {
  commands: new Map<string, number>(),
  refused: 0,
  terminal: { completed: 0, failed: 0 },
  blocked: 0,
  /**
   * Effects that ended well in an attempt already fenced out: the step's effect had already
   * been committed by the attempt that took over (same idempotency key, so a real provider
   * answers from its record); the step has nothing to undo; or neither — a worker stalled past
   * its lease whose effect landed after the operation went on without it (the limit of leases).
   */
  late: { retaken: 0, noUndo: 0, stalledPastLease: 0 },
};

const count = (name: string) => tally.commands.set(name, (tally.commands.get(name) ?? 0) + 1);

/** The real system after a command must be exactly the model, and every invariant must hold. */
export async function compare(m: Model, r: RealSystem, after: string): Promise<void> {
  const seen = await r.observe(m.id);
  const ledger = r.ledger(m.id);
  const late = m.late;
  const expected = {
    status: modelStatus(m),
    blockedKind: m.block?.kind ?? null,
    failing: m.failing,
    steps: m.steps.map((s) => ({ status: s.status, attempts: s.attempts })),
    invoked: m.invoked,
    applied: m.applied.map((n, i) => n + late[i]!),
    undone: m.undone,
  };
  const actual = {
    status: seen.status,
    blockedKind: seen.blockedKind,
    failing: seen.failing,
    steps: seen.steps,
    ...ledger,
  };
  expect(actual, `after ${after}`).toEqual(expected);
  // Invariants, whatever the model says: one attempt at a time, every effect counted once.
  expect(seen.running).toBeLessThanOrEqual(1);
  for (const [i, s] of seen.steps.entries()) {
    const committed = ledger.applied[i]! - late[i]!;
    expect(committed, `step ${MODEL_STEPS[i]} committed effects`).toBeLessThanOrEqual(1);
    if (seen.status === "completed") expect(committed).toBe(s.status === "succeeded" ? 1 : 0);
    // Failed: every effect that landed and has an undo was undone, exactly once.
    if (seen.status === "failed" && HAS_UNDO[MODEL_STEPS[i]!]) expect(ledger.undone[i]).toBe(committed);
    if (seen.status === "failed" && !HAS_UNDO[MODEL_STEPS[i]!]) expect(ledger.undone[i]).toBe(0);
  }
}

type Cmd = fc.AsyncCommand<Model, RealSystem>;

export class RunStep implements Cmd {
  constructor(
    readonly b: Behaviour,
    readonly undo: UndoBehaviour,
  ) {}
  check = (m: Readonly<Model>) => this.b !== "hang" || m.inflight === null;
  async run(m: Model, r: RealSystem) {
    count(this.b === "hang" ? "slow step (held open)" : `run step: ${this.b}`);
    await r.run(m.id, this.b, this.undo);
    predictRun(m, this.b, this.undo);
    await compare(m, r, this.toString());
  }
  toString = () => `run(${this.b}, undo ${this.undo})`;
}

/** Kill a worker mid-step: hold an attempt open, then the worker dies (lease runs out, no heartbeat). */
class Crash implements Cmd {
  check = (m: Readonly<Model>) => m.inflight === null;
  async run(m: Model, r: RealSystem) {
    count("crash");
    const hung = (await r.run(m.id, "hang", "ok")) === "hanging";
    predictRun(m, "hang", "ok");
    expect(hung).toBe(m.inflight !== null);
    if (hung) {
      await r.kill(m.id);
      m.inflight!.alive = false;
    }
    await compare(m, r, this.toString());
  }
  toString = () => "crash";
}

class Kill implements Cmd {
  check = (m: Readonly<Model>) => m.inflight?.alive === true;
  async run(m: Model, r: RealSystem) {
    count("kill held worker");
    await r.kill(m.id);
    m.inflight!.alive = false;
    await compare(m, r, this.toString());
  }
  toString = () => "kill";
}

/** The held attempt ends (a slow step finishing, or a killed worker's zombie waking up). */
export class FinishHeld implements Cmd {
  constructor(readonly b: Behaviour) {}
  check = (m: Readonly<Model>) => m.inflight !== null;
  async run(m: Model, r: RealSystem) {
    count(`finish held: ${this.b}`);
    const { taken: wasTaken, step } = m.inflight!;
    const result = await r.finish(m.id, this.b);
    const lateBefore = m.late[step]!;
    const committedBefore = m.applied[step]!;
    predictFinish(m, this.b);
    if (m.late[step]! > lateBefore) {
      if (committedBefore > 0) tally.late.retaken++;
      else if (!HAS_UNDO[MODEL_STEPS[step]!]) tally.late.noUndo++;
      else tally.late.stalledPastLease++;
    }
    if (wasTaken) expect(result).toBe("fenced");
    await compare(m, r, this.toString());
  }
  toString = () => `finish(${this.b})`;
}

class Restart implements Cmd {
  check = () => true;
  async run(m: Model, r: RealSystem) {
    count("restart (sweeper)");
    await r.restart();
    if (m.inflight && !m.inflight.alive) m.inflight.taken = true;
    await compare(m, r, this.toString());
  }
  toString = () => "restart";
}

export class Act implements Cmd {
  constructor(readonly a: OperatorAction) {}
  check = () => true;
  async run(m: Model, r: RealSystem) {
    count(`action: ${this.a.action}`);
    const request =
      "step" in this.a
        ? { action: this.a.action, step: MODEL_STEPS[this.a.step]! }
        : { action: this.a.action };
    const done = await r.act(m.id, request as never);
    const expected = predictAction(m, this.a);
    if (!expected) tally.refused++;
    expect(done, `${this.toString()} done`).toBe(expected);
    await compare(m, r, this.toString());
  }
  toString = () => `${this.a.action}${"step" in this.a ? `(${MODEL_STEPS[this.a.step]})` : ""}`;
}

const behaviour = fc.constantFrom<Behaviour>(
  "ok",
  "ok",
  "ok",
  "ok",
  "ok",
  "transient",
  "permanent",
  "person",
  "pre_block",
  "pre_fail",
);
const stepIndex = fc.integer({ min: 0, max: MODEL_STEPS.length - 1 });

const runStep = fc
  .tuple(behaviour, fc.constantFrom<UndoBehaviour>("ok", "ok", "broken"))
  .map(([b, u]) => new RunStep(b, u));

/** Running steps is what moves an operation: weighted so sequences get far enough. */
export const commandArbitraries: fc.Arbitrary<Cmd>[] = [
  runStep,
  runStep,
  runStep,
  runStep,
  runStep,
  runStep,
  fc.constant(new RunStep("hang", "ok")),
  fc.constant(new Crash()),
  fc.constant(new Kill()),
  fc.constantFrom<Behaviour>("ok", "transient", "permanent", "person").map((b) => new FinishHeld(b)),
  fc.constant(new Restart()),
  fc.constant(new Act({ action: "retry" })),
  stepIndex.map((step) => new Act({ action: "replay", step })),
  fc.constant(new Act({ action: "resume" })),
  stepIndex.map((step) => new Act({ action: "skip", step })),
  fc.constant(new Act({ action: "compensate" })),
  fc.constant(new Act({ action: "cancel" })),
];
