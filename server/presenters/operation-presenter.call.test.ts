import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { OperationPresenter } from "./operation-presenter";

/**
 * Concurrent reads share one round trip (issue 14), and sharing must not mix answers up: each
 * caller gets its own operation with its own steps in order, a missing id gets null, an id in
 * capitals finds the row, the same id twice reads alike.
 */
let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

describe("OperationPresenter: reads in one batch", () => {
  it("answers each of many concurrent calls with its own operation and steps", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await h.start("demo.noop", { note: `batch-${i}` }));
    const presenter = new OperationPresenter(t.db);
    const missing = "00000000-0000-7000-8000-000000000000";
    const asked = [...ids, missing, ids[0]!.toUpperCase(), ids[3]!, "not-a-uuid"];
    const answers = await Promise.all(asked.map((id) => presenter.call(id)));

    for (const [i, id] of ids.entries()) {
      const op = answers[i]!;
      expect(op.id).toBe(id);
      expect(op.input).toEqual({ note: `batch-${i}` });
      expect(op.steps.map((s) => s.position)).toEqual([0, 1, 2]);
    }
    expect(answers[ids.length]).toBeNull();
    expect(answers[ids.length + 1]!.id).toBe(ids[0]);
    expect(answers[ids.length + 2]).toEqual(answers[3]);
    expect(answers[ids.length + 3]).toBeNull();
  });
});
