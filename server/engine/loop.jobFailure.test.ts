import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";

/**
 * Issue 15 hole 4, the job row: when a run job fails inside the engine, pg-boss keeps its output
 * in its job table. That output holds only an incident id; the error's text (which can quote SQL
 * with an operation's input) goes to the worker's log line under that id.
 */
let t: TestDatabase;
let h: EngineHarness;
const EMAIL = "job.person@example.com";
const workerLog: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url });
  await h.startWorker({
    log: (line: string) => workerLog.push(line),
    hooks: {
      beforeJobComplete: async () => {
        throw new Error(`insert into operations failed; params: ${EMAIL}`);
      },
    },
  });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

describe("a run job that fails in the engine", () => {
  it("leaves an incident id in the job row, and the error only in the worker's log", async () => {
    const id = await h.start("demo.noop", {});
    const output = await eventually(async () => {
      const [row] = await t.db.$client<{ output: Record<string, unknown> | null }[]>`
        select output from pgboss.job where data->>'operationId' = ${id} and output is not null limit 1`;
      if (!row?.output) throw new Error("no failed run job yet");
      return row.output;
    });
    expect(JSON.stringify(output)).not.toContain(EMAIL);
    expect(Object.keys(output)).toEqual(["incidentId"]);
    const line = workerLog.find((l) => l.includes(`incident ${output.incidentId}`));
    expect(line).toContain(EMAIL);
  });
});
