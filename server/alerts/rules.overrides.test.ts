import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { ALERT_TICK_MS, evaluateAlerts } from "./evaluate";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const now = new Date(Date.parse("2026-06-01T12:00:00Z") + ALERT_TICK_MS);

// The evaluator reads alert_rule_overrides through alertRules(): a lower threshold fires
// where the workflow definition's default would not; a disabled rule (threshold null) never fires.
describe("alert rule overrides in the evaluator", () => {
  it("a lower stuck threshold fires; the same rule disabled does not", async () => {
    const at = new Date(now.getTime() - 5_000);
    await t.db.$client`
      insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, synthetic,
        created_at, updated_at)
      values (${uuidv7({ msecs: at.getTime() })}, 'demo.noop', 1, 'processing', '{}', 'key:test', 'h', 't', false,
        ${at.toISOString()}, ${at.toISOString()})`;
    const stuck = async () =>
      (
        await t.db.$client`select state from alerts where rule = 'stuck' and workflow_type = 'demo.noop'
          and resolved_at is null`
      ).length;

    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now });
    expect(await stuck()).toBe(0); // 5 s idle is well under demo.noop's default stuckAfterMs

    await t.db.$client`insert into alert_rule_overrides (rule, workflow_type, threshold, reason, updated_by)
      values ('stuck', 'demo.noop', 1000, 'test: tighter', 'admin:test')`;
    await evaluateAlerts({
      db: t.db,
      registry: defaultRegistry,
      now: new Date(now.getTime() + ALERT_TICK_MS),
    });
    expect(await stuck()).toBe(1);

    await t.db.$client`update alert_rule_overrides set threshold = null where rule = 'stuck'`;
    await evaluateAlerts({
      db: t.db,
      registry: defaultRegistry,
      now: new Date(now.getTime() + 2 * ALERT_TICK_MS),
    });
    expect(await stuck()).toBe(0);
  });
});
