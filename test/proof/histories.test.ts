/**
 * Stored histories: operations recorded from real runs (test/fixtures/histories/*.json, every
 * step kind, every terminal and blocked state, compensation, skip with override, replay,
 * cancel, crash and takeover) read with today's code must give exactly what was read when
 * they were recorded — the engine's state, the status, what runs next, the actions offered,
 * the timeline, attempts and segments, the end user's view. A change that would misread an
 * operation already in flight fails here. On purpose: `npm run histories:accept` (read again,
 * rewrite what is expected) or `npm run histories:record` (run the scenarios again).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type HistoryFixture, readHistory } from "./histories/read";
import { HISTORIES_DIR, historyRegistry } from "./histories/record";

const fixtures = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(path.join(HISTORIES_DIR, f), "utf8")) as HistoryFixture);
const registry = historyRegistry();

describe("stored histories", () => {
  it("cover every status, every step kind and the operator's paths", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    const statuses = new Set(fixtures.map((f) => f.expected.status));
    expect([...statuses].sort()).toEqual(["accepted", "blocked", "completed", "failed", "processing"]);
    const blockKinds = new Set(fixtures.flatMap((f) => (f.expected.block ? [f.expected.block.kind] : [])));
    for (const kind of ["awaiting_person", "precondition_failed", "retries_exhausted", "invalid_input"])
      expect(blockKinds).toContain(kind);
    const stepStates = new Set(fixtures.flatMap((f) => f.expected.steps.map((s) => s.status)));
    for (const s of ["pending", "running", "retrying", "succeeded", "failed", "skipped", "compensated"])
      expect(stepStates).toContain(s);
    const events = new Set(fixtures.flatMap((f) => f.events.map((e) => e.type)));
    for (const e of ["compensation_started", "step_compensated", "cancelled", "step_skipped", "resumed"])
      expect(events).toContain(e);
    const types = new Set(fixtures.map((f) => f.row.type));
    for (const type of [
      "order.fulfill",
      "account.verify",
      "report.export",
      "demo.noop",
      "test.scripted",
      "test.model",
    ])
      expect(types).toContain(type);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s reads as it was recorded", (_name, f) => {
    const now = JSON.parse(JSON.stringify(readHistory(f, registry)));
    expect(now).toEqual(f.expected);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s: its timeline tells its status", (_name, f) => {
    const { expected } = f;
    expect(expected.derivedStatus).toBe(expected.status);
    expect(expected.fromEvents.status).toBe(expected.status);
    expect(expected.fromEvents.steps).toEqual(
      expected.steps.map((s) => ({ status: s.status, attempts: s.attempts })),
    );
    expect(expected.fromEvents.blockKind).toBe(expected.block?.kind ?? null);
  });
});
