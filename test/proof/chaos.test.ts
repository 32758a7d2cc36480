/**
 * The short chaos run in `npm test`: the code of `npm run chaos` (scripts/chaos/) with small
 * numbers — real web and worker processes over a private PostgreSQL, the providers' faults
 * on, worker SIGKILLs, a rolling restart onto order.fulfill v2 and one database kill — then
 * every check, grouped below. It prints the same tables as `npm run chaos -- --short`.
 *
 * The web is the production build: npm test builds it before vitest; run alone without a
 * current build, the first web start builds it (minutes). The run owns its database, so it
 * is skipped in the pass against DATABASE_URL's server (it would only repeat itself).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Check } from "@/scripts/chaos/checks";
import { SHORT } from "@/scripts/chaos/options";
import { formatReport } from "@/scripts/chaos/report";
import { type ChaosResult, runChaos } from "@/scripts/chaos/run";

/** A first web start may build the app; the run's own deadlines bound everything else. */
const RUN_TIMEOUT_MS = 900_000;

describe.skipIf(process.platform !== "linux" || process.env.DATABASE_URL)("chaos run (short)", () => {
  let result: ChaosResult;
  const lines: string[] = [];
  beforeAll(async () => {
    result = await runChaos(SHORT, (line) => lines.push(line));
    console.log(formatReport(result));
  }, RUN_TIMEOUT_MS);

  /** The group's failed checks, each with its examples; [] when all passed. */
  const failed = (group: Check["group"]) =>
    result.checks
      .filter((c) => c.group === group && c.violations > 0)
      .map((c) => `${c.name}: ${c.violations} (${c.examples.join("; ")})`);
  const explain = () => `\n${formatReport(result)}\n--- run log ---\n${lines.slice(-30).join("\n")}`;

  it("did what it set out to: operations, kills, a rolling restart onto v2, a database restart", () => {
    expect(failed("targets"), explain()).toEqual([]);
  });

  it("lost nothing acknowledged, applied no effect twice, and every timeline and version holds", () => {
    expect(failed("database"), explain()).toEqual([]);
  });

  it("answered every request: 503 with Retry-After while the database was down, never 500, never a hang", () => {
    expect(failed("client"), explain()).toEqual([]);
  });
});
