import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditActorOf, NO_REQUEST } from "@/server/audit/write";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { TEST_OPERATOR } from "@/test/principals";
import { acknowledgeAlert, silenceAlert } from "./commands";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const actor = auditActorOf(TEST_OPERATOR);

async function firingAlert(): Promise<string> {
  const id = uuidv7();
  await t.db.$client`insert into alerts (id, rule, workflow_type, summary, fired_at)
    values (${id}, 'stuck', ${`t.${id}`}, 's', now())`;
  return id;
}

describe("acknowledgeAlert / silenceAlert", () => {
  it("acknowledges with who and the note, keeps the history and writes the audit record", async () => {
    const alertId = await firingAlert();
    const r = await acknowledgeAlert(t.db, {
      alertId,
      actor,
      request: NO_REQUEST,
      reason: "looking into it",
    });
    expect(r).toEqual({ type: "done" });
    const [a] = await t.db
      .$client`select state, acknowledged_by, acknowledge_note from alerts where id = ${alertId}`;
    expect(a).toMatchObject({
      state: "acknowledged",
      acknowledged_by: "operator@test.local",
      acknowledge_note: "looking into it",
    });
    const audit = await t.db
      .$client`select action, reason from audit_records where details->>'alertId' = ${alertId}`;
    expect(audit).toMatchObject([{ action: "alert_acknowledged", reason: "looking into it" }]);
    const h = await t.db.$client`select kind from alert_history where alert_id = ${alertId}`;
    expect(h).toMatchObject([{ kind: "acknowledged" }]);
  });

  it("silences until a future time; refuses a past time, a blank reason, an unknown or resolved alert", async () => {
    const alertId = await firingAlert();
    const now = new Date();
    const until = new Date(now.getTime() + 3_600_000);
    expect(
      await silenceAlert(t.db, { alertId, actor, request: NO_REQUEST, reason: "deploy window", until, now }),
    ).toEqual({
      type: "done",
    });
    expect(
      await silenceAlert(t.db, {
        alertId,
        actor,
        request: NO_REQUEST,
        reason: "x y z",
        until: new Date(0),
        now,
      }),
    ).toMatchObject({ type: "invalid" });
    expect(await acknowledgeAlert(t.db, { alertId, actor, request: NO_REQUEST, reason: " " })).toMatchObject({
      type: "invalid",
    });
    expect(
      await acknowledgeAlert(t.db, { alertId: uuidv7(), actor, request: NO_REQUEST, reason: "why not" }),
    ).toEqual({
      type: "not_found",
    });
    await t.db.$client`update alerts set state = 'resolved', resolved_at = now() where id = ${alertId}`;
    expect(await acknowledgeAlert(t.db, { alertId, actor, request: NO_REQUEST, reason: "too late" })).toEqual(
      {
        type: "resolved",
      },
    );
  });
});
