/**
 * The history check (issue 15, Elle-style): concurrent clients send a seeded mix of intake
 * (with idempotency keys, retries of a key, conflicts), reads and operator actions against real
 * services, real PostgreSQL and real in-process workers with provider faults on; every request
 * and answer is recorded, then checked offline against the database (test/proof/history/check).
 * Short here; `npm run proof:history` runs the full size (HISTORY_FULL=1) and prints its counts.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { CHECKS, checkHistory, type Verdict } from "./history/check";
import { type Facts, readFacts } from "./history/check/facts";
import { planWorkload } from "./history/plan";
import type { HistoryEntry } from "./history/record";
import { runHistory } from "./history/run";

const FULL = process.env.HISTORY_FULL === "1";
const SEED = Number(process.env.HISTORY_SEED ?? 20261203);
const SHAPE = { clients: 50, requestsPerClient: FULL ? 220 : 5, apiKeys: 5 };
const FAULTS = FULL
  ? { latencyMs: 5, transientErrorRate: 0.05, permanentErrorRate: 0.01, loseAnswerRate: 0.03 }
  : { latencyMs: 0, transientErrorRate: 0.03, permanentErrorRate: 0.01, loseAnswerRate: 0.02 };
const TIMEOUT_MS = FULL ? 1_800_000 : 120_000;

let t: TestDatabase;
let history: HistoryEntry[];
let facts: Facts;
let verdict: Verdict;

beforeAll(async () => {
  t = await createTestDatabase();
  const run = await runHistory({
    url: t.url,
    seed: SEED,
    shape: SHAPE,
    faults: FAULTS,
    workers: 2,
    processKills: FULL ? 3 : 0,
    settleTimeoutMs: FULL ? 300_000 : 60_000,
  });
  try {
    const out = process.env.HISTORY_OUT ?? join(tmpdir(), `throughline-history-${SEED}.jsonl`);
    run.history.write(out);
    history = run.history.entries;
    facts = await readFacts(run.db.$client);
    verdict = checkHistory(history, facts);
    const violations = Object.fromEntries(CHECKS.map((c) => [c, verdict.violations[c].length]));
    console.log(
      `history check (seed ${SEED}, ${SHAPE.clients} clients, ${FULL ? "full" : "short"}): ` +
        JSON.stringify({ ...verdict.counts, violations, phases: run.phases, history: out }),
    );
  } finally {
    await run.close();
  }
}, TIMEOUT_MS);
afterAll(() => t?.drop());

describe("the history check", () => {
  it("a seed fixes the request plan: same seed, same requests; another seed, others", () => {
    expect(planWorkload(SEED, SHAPE)).toEqual(planWorkload(SEED, SHAPE));
    expect(planWorkload(SEED + 1, SHAPE)).not.toEqual(planWorkload(SEED, SHAPE));
  });

  it("the run did what it says: every client's requests, actions accepted and refused, effects run", () => {
    const { counts } = verdict;
    expect(counts.requests).toBeGreaterThanOrEqual(SHAPE.clients * SHAPE.requestsPerClient * 0.9);
    expect(counts.actionsAccepted).toBeGreaterThan(0);
    expect(counts.actions - counts.actionsAccepted).toBeGreaterThan(0);
    expect(counts.effects).toBeGreaterThan(0);
    expect(counts.operations).toBeGreaterThan(SHAPE.clients);
  });

  for (const check of CHECKS) {
    it(`no violation of ${check}`, () => {
      expect(verdict.violations[check].slice(0, 5)).toEqual([]);
    });
  }
});

/** Copies of the run's history and facts with one thing made wrong: each check must see it. */
// Each case re-checks the whole run twice over: minutes at the full size on a busy machine.
describe("the checker fails on a doctored history", { timeout: FULL ? 600_000 : 60_000 }, () => {
  const doctored = (change: (h: HistoryEntry[], f: Facts) => void) => {
    const h = structuredClone(history);
    const f = structuredClone(facts);
    change(h, f);
    return checkHistory(h, f).violations;
  };
  const completedOp = () => facts.operations.find((o) => o.status === "completed")!.id;

  it("legal_transitions: a completed operation that starts processing again", () => {
    const id = completedOp();
    const v = doctored((_, f) => {
      const last = [...f.changes].reverse().find((c) => c.operationId === id && c.kind === "operation")!;
      f.changes.push({ ...last, seq: 1e12, txid: "doctored", row: { ...last.row, status: "processing" } });
    });
    expect(v.legal_transitions.map((x) => x.operationId)).toContain(id);
  });

  it("one_active_attempt: a second attempt of a step while the first still runs", () => {
    const effect = history.find((e) => e.op === "effect")!;
    const v = doctored((h) => {
      h.push({
        ...effect,
        i: h.length,
        start: effect.start + (effect.end - effect.start) / 2,
        end: effect.end + 1,
      });
    });
    expect(v.one_active_attempt.some((x) => x.detail.includes("still ran"))).toBe(true);
  });

  it("one_active_attempt: an attempt number that goes backwards in the log", () => {
    const claim = facts.changes.find((c) => c.kind === "step" && c.row.attempts === 1)!;
    expect(doctored(() => {}).one_active_attempt).toEqual([]);
    const w = doctored((_, f) => {
      f.changes.push({ ...claim, seq: 1e12, txid: "doctored", row: { ...claim.row, attempts: 0 } });
    });
    expect(w.one_active_attempt.some((x) => x.detail.includes("attempts went from"))).toBe(true);
  });

  it("one_active_attempt: a claim over a live lease", () => {
    const claim = facts.changes.find((c) => c.kind === "step" && c.row.attempts === 1)!;
    const v = doctored((_, f) => {
      const at = f.changes.indexOf(f.changes.find((c) => c.seq === claim.seq)!);
      f.changes[at] = { ...claim, row: { ...claim.row, liveTakeover: true } };
    });
    expect(v.one_active_attempt.some((x) => x.detail.includes("lease was live"))).toBe(true);
  });

  it("contiguous_timeline: an event lost from the table, and two events swapped", () => {
    const id = completedOp();
    const lost = doctored((_, f) => {
      f.events.splice(
        f.events.findIndex((e) => e.operationId === id && e.type !== "accepted"),
        1,
      );
    });
    expect(lost.contiguous_timeline.map((x) => x.operationId)).toContain(id);
    const swapped = doctored((_, f) => {
      // The first event (intake's) and the last one, from two transactions.
      const logged = f.changes.filter((c) => c.operationId === id && c.kind === "event");
      const [a, b] = [logged[0]!, logged[logged.length - 1]!];
      [a.row.id, b.row.id] = [b.row.id, a.row.id];
    });
    expect(swapped.contiguous_timeline.map((x) => x.operationId)).toContain(id);
  });

  it("contiguous_timeline: an acknowledgment refused after the end is a note, a lost one is not", () => {
    const id = completedOp();
    const last = [...facts.changes].reverse().find((c) => c.operationId === id && c.kind === "event")!;
    const refusal = {
      ...last,
      seq: 1e12,
      txid: "doctored",
      row: { ...last.row, id: 1e12, type: "acknowledgment_refused" },
    };
    const late = doctored((_, f) => {
      f.changes.push(refusal);
      f.events.push({ id: 1e12, operationId: id, type: "acknowledgment_refused" });
    });
    expect(late.contiguous_timeline.map((x) => x.operationId)).not.toContain(id);
    const lost = doctored((_, f) => {
      f.changes.push(refusal);
    });
    expect(lost.contiguous_timeline.map((x) => x.operationId)).toContain(id);
  });

  it("one_audit_per_action: a second record for an accepted action, one for a refused action", () => {
    const accepted = history.find((e) => e.op === "action" && e.answer.ok === true)!;
    const refused = history.find((e) => e.op === "action" && e.answer.ok === false)!;
    const twice = doctored((_, f) => {
      const record = f.audit.find((a) => a.requestId === accepted.args.requestId)!;
      f.audit.push({ ...record, seq: 1e12 });
    });
    expect(twice.one_audit_per_action.map((x) => x.entry)).toContain(accepted.i);
    const unearned = doctored((_, f) => {
      f.audit.push({
        seq: 1e12,
        action: "operation_cancelled",
        operationId: null,
        step: null,
        requestId: refused.args.requestId as string,
        bulkActionId: null,
      });
    });
    expect(unearned.one_audit_per_action.map((x) => x.entry)).toContain(refused.i);
  });

  it("one_audit_per_action: a bulk action that changed an operation without its record", () => {
    const bulkActionId = "00000000-0000-7000-8000-00000000b0b0";
    const operationId = completedOp();
    const v = doctored((h, f) => {
      const i = h.length;
      h.push({
        i,
        client: "c0",
        op: "bulk",
        args: { requestId: `h:${i}`, bulkActionId, action: "resume" },
        start: 0,
        end: 1,
        answer: { ok: true },
      });
      f.audit.push({
        seq: 1e12,
        action: "bulk_action_started",
        operationId: null,
        step: null,
        requestId: `h:${i}`,
        bulkActionId,
      });
      f.bulkTargets.push({ bulkActionId, operationId, outcome: "succeeded" });
    });
    expect(v.one_audit_per_action.map((x) => x.operationId)).toContain(operationId);
  });

  it("acknowledged_readable: an acknowledged operation missing, and one read as still processing", () => {
    const id = completedOp();
    const missing = doctored((_, f) => {
      f.operations = f.operations.filter((o) => o.id !== id);
    });
    expect(missing.acknowledged_readable.map((x) => x.operationId)).toContain(id);
    const unsettled = doctored((h) => {
      h.find((e) => e.op === "final_get" && e.args.id === id)!.answer.opStatus = "processing";
    });
    expect(unsettled.acknowledged_readable.map((x) => x.operationId)).toContain(id);
  });

  it("well_formed_answers: a 500", () => {
    const get = history.find((e) => e.op === "get")!;
    const v = doctored((h) => {
      h[get.i]!.answer.status = 500;
    });
    expect(v.well_formed_answers.map((x) => x.entry)).toContain(get.i);
  });
});
