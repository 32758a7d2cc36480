import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditActorOf, NO_REQUEST } from "@/server/audit/write";
import { AlertRulesPresenter } from "@/server/presenters/alerts/alert-rules-presenter";
import { defaultRegistry } from "@/server/workflows";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_ADMIN } from "@/test/principals";
import { ALERT_TICK_MS, evaluateAlerts } from "./evaluate";
import { clearAlertRuleOverride, setAlertRuleOverride } from "./rule-overrides";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const actor = auditActorOf(TEST_ADMIN);
const changed = { actor, request: NO_REQUEST };
const deps = () => ({ db: t.db, registry: defaultRegistry });
const now = new Date(Date.parse("2026-06-01T12:00:00Z") + ALERT_TICK_MS);
const tick = (n: number) => new Date(now.getTime() + n * ALERT_TICK_MS);

const overrides = () => t.db.$client`select rule, workflow_type, threshold, window_ms, reason, updated_by
  from alert_rule_overrides order by rule, workflow_type`;
const ruleAudit = () => t.db.$client`select action::text, reason, workflow_type, details from audit_records
  where action in ('alert_rule_changed', 'alert_rule_reset') order by seq`;
const openStuck = async () =>
  (
    await t.db.$client`select 1 from alerts where rule = 'stuck' and workflow_type = 'demo.noop'
      and resolved_at is null`
  ).length;

describe("setAlertRuleOverride / clearAlertRuleOverride", () => {
  it("refuses what is out of a rule's bounds, an unknown type or a blank reason, and writes nothing", async () => {
    const refusals = await Promise.all([
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        threshold: 10,
        reason: "too tight",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        threshold: 1_500.5,
        reason: "not whole",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "failure_rate",
        workflowType: "demo.noop",
        threshold: 101,
        reason: "over 100",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        threshold: 60_000,
        windowMs: 600_000,
        reason: "stuck has no window",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "failure_rate",
        workflowType: "demo.noop",
        threshold: 30,
        windowMs: 1_000,
        reason: "window too short",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "no.such",
        threshold: 60_000,
        reason: "unknown type",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "no_workers",
        workflowType: "demo.noop",
        threshold: 60_000,
        reason: "fleet-wide rule",
      }),
      setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        threshold: 60_000,
        reason: "  ",
      }),
      clearAlertRuleOverride(deps(), { ...changed, rule: "stuck", workflowType: "demo.noop", reason: "x" }),
    ]);
    expect(refusals.map((r) => (r.type === "invalid" ? r.field : r.type))).toEqual([
      "threshold",
      "threshold",
      "threshold",
      "windowMs",
      "windowMs",
      "workflowType",
      "workflowType",
      "reason",
      "reason",
    ]);
    // The bounds are named in words the admin reads.
    expect(refusals[0]).toMatchObject({ message: expect.stringMatching(/from 1 s to 21 days/) });
    expect(refusals[2]).toMatchObject({ message: expect.stringMatching(/from 1% to 100%/) });
    expect(await overrides()).toEqual([]);
    expect(await ruleAudit()).toEqual([]);
    // Nothing to reset yet: said so, nothing written.
    expect(
      await clearAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        reason: "back to default",
      }),
    ).toEqual({ type: "unchanged" });
    expect(await ruleAudit()).toEqual([]);
  });

  it("an override is audited with its reason, the evaluator uses it, off silences the rule, reset brings the default back", async () => {
    const at = new Date(now.getTime() - 5_000);
    await t.db.$client`
      insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, synthetic,
        created_at, updated_at)
      values (${uuidv7({ msecs: at.getTime() })}, 'demo.noop', 1, 'processing', '{}', 'key:test', 'h', 't', false,
        ${at.toISOString()}, ${at.toISOString()})`;
    // A live worker, so the fleet-wide rule stays out of the way.
    await t.db
      .$client`insert into workers (id, host, pid, last_seen_at) values ('w1', 'h', 1, ${now.toISOString()})`;

    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now });
    expect(await openStuck()).toBe(0); // 5 s idle is well under demo.noop's default

    expect(
      await setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        threshold: 1_000,
        reason: "Noop should never idle a second",
      }),
    ).toEqual({ type: "done" });
    expect(await overrides()).toMatchObject([
      {
        rule: "stuck",
        workflow_type: "demo.noop",
        threshold: 1_000,
        window_ms: null,
        updated_by: "admin@test.local",
      },
    ]);
    const [set] = await ruleAudit();
    expect(set).toMatchObject({
      action: "alert_rule_changed",
      reason: "Noop should never idle a second",
      workflow_type: "demo.noop",
      details: { rule: "stuck", workflowType: "demo.noop", threshold: 1_000, previous: null },
    });
    const read = await new AlertRulesPresenter(t.db, defaultRegistry).call();
    const noop = read.types
      .find((x) => x.workflowType === "demo.noop")!
      .rules.find((r) => r.rule === "stuck")!;
    expect(noop).toMatchObject({
      threshold: 1_000,
      source: "override",
      override: { reason: "Noop should never idle a second", updatedBy: "admin@test.local" },
    });
    expect(noop.defaultThreshold).toBe(defaultRegistry.latest("demo.noop")!.stuckAfterMs);

    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now: tick(1) });
    expect(await openStuck()).toBe(1);

    // Off: the rule no longer holds for this type, so its alert resolves.
    expect(
      await setAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        threshold: null,
        reason: "Silence stuck noop during the migration",
      }),
    ).toEqual({ type: "done" });
    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now: tick(2) });
    expect(await openStuck()).toBe(0);

    expect(
      await clearAlertRuleOverride(deps(), {
        ...changed,
        rule: "stuck",
        workflowType: "demo.noop",
        reason: "Migration done, default again",
      }),
    ).toEqual({ type: "done" });
    expect(await overrides()).toEqual([]);
    const audit = await ruleAudit();
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ["alert_rule_changed", "Noop should never idle a second"],
      ["alert_rule_changed", "Silence stuck noop during the migration"],
      ["alert_rule_reset", "Migration done, default again"],
    ]);
    expect(audit[1]!.details).toMatchObject({ threshold: null, previous: { threshold: 1_000 } });
    expect(audit[2]!.details).toMatchObject({
      previous: { threshold: null, reason: "Silence stuck noop during the migration" },
    });
    // Back on the default (well above 5 s): nothing fires.
    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now: tick(3) });
    expect(await openStuck()).toBe(0);
  });

  it("a windowed rule keeps its window; the fleet-wide rules take the type *", async () => {
    expect(
      await setAlertRuleOverride(deps(), {
        ...changed,
        rule: "failure_rate",
        workflowType: "demo.noop",
        threshold: 50,
        windowMs: 3_600_000,
        reason: "Noisy during the pilot",
      }),
    ).toEqual({ type: "done" });
    expect(
      await setAlertRuleOverride(deps(), {
        ...changed,
        rule: "no_workers",
        workflowType: "*",
        threshold: 120_000,
        reason: "Deploys take two minutes",
      }),
    ).toEqual({ type: "done" });
    expect(await overrides()).toMatchObject([
      { rule: "failure_rate", workflow_type: "demo.noop", threshold: 50, window_ms: 3_600_000 },
      { rule: "no_workers", workflow_type: "*", threshold: 120_000 },
    ]);
    const fleet = (await ruleAudit()).at(-1)!;
    expect(fleet).toMatchObject({ workflow_type: null, details: { workflowType: "*" } });
  });

  it("a window set for one type is that type's alone: others keep the default", async () => {
    // Six failures 30 minutes ago for each of two types: outside the default 15-minute window.
    const at = new Date(now.getTime() - 30 * 60_000);
    for (const type of ["demo.noop", "report.export"])
      for (let i = 0; i < 6; i++)
        await insertOperation(t.db.$client, {
          type,
          status: "failed",
          createdAt: new Date(at.getTime() - 1_000),
          updatedAt: at,
          completedAt: at,
        });
    // demo.noop's failure rate looks back an hour (the test before set it); report.export keeps 15 minutes.
    await evaluateAlerts({ db: t.db, registry: defaultRegistry, now: tick(10) });
    const firing = await t.db.$client`select workflow_type from alerts where rule = 'failure_rate'
      and resolved_at is null order by workflow_type`;
    expect(firing.map((a) => a.workflow_type)).toEqual(["demo.noop"]);
  });
});
