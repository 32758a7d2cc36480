import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createStaffUser } from "@/server/auth/people";
import type { Principal } from "@/server/domain/principal";
import { logger, serializeError } from "@/server/logger";
import { BulkPresenter } from "@/server/presenters/bulk/bulk-presenter";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { confirmBulk } from "./confirm";
import { dryRunBulk } from "./dry-run";
import { advanceBulk } from "./runner";

/**
 * Issue 15 hole 4 for bulk actions: a target whose action fails unexpectedly (here PostgreSQL
 * refuses its audit record with an error quoting the operator's email) shows staff an incident
 * id on the bulk page, not the error's text; the log line under that id has the details.
 * The test runs the bulk action itself (advanceBulk), so the job transports are no-ops.
 */
let t: TestDatabase;
let operator: Principal;
const EMAIL = "bulk.person@test.local";
const noJobs = { enqueue: async () => {} };

beforeAll(async () => {
  t = await createTestDatabase();
  const created = await createStaffUser({
    db: t.db,
    email: EMAIL,
    name: "Bulk",
    password: "bulk operator pw",
    role: "operator",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  if (created.type !== "created") throw new Error("seed failed");
  operator = { kind: "staff", userId: created.userId, email: EMAIL, role: "operator" };
});
afterAll(() => t.drop());

describe("a bulk target that fails unexpectedly", () => {
  it("records an incident id for staff; the error's text only reaches the log", async () => {
    for (let i = 0; i < 2; i++)
      await insertOperation(t.db.$client, {
        type: "demo.noop",
        status: "blocked",
        blockedKind: "precondition_failed",
        blockedReason: "Not ready",
        actionRequired: "Wait",
      });
    const dry = await dryRunBulk(
      { db: t.db },
      {
        principal: operator,
        filter: { workflowType: "demo.noop", statuses: ["blocked"] },
        request: { action: "cancel" },
        reason: "Cancel the stuck ones",
      },
    );
    if (dry.type !== "frozen") throw new Error(`dry run: ${JSON.stringify(dry)}`);
    const confirmed = await confirmBulk(
      { db: t.db, queue: noJobs },
      { bulkActionId: dry.bulkActionId, count: dry.count, principal: operator, request: NO_REQUEST },
    );
    expect(confirmed).toEqual({ type: "done", status: "running" });
    // From now on the database refuses every per-operation audit record, naming the operator.
    await t.db.$client.unsafe(`
      create function refuse_audit() returns trigger language plpgsql as
        $$ begin raise exception 'audit refused for %', new.actor_label; end $$;
      create trigger refuse_audit before insert on audit_records for each row
        when (new.operation_id is not null) execute function refuse_audit()`);

    const logged: Record<string, unknown>[] = [];
    vi.spyOn(logger, "error").mockImplementation(((fields: Record<string, unknown>) => {
      logged.push({ ...fields, err: serializeError(fields.err) });
    }) as never);
    await advanceBulk({ db: t.db, runs: noJobs }, { bulkActionId: dry.bulkActionId });
    vi.restoreAllMocks();

    const view = await new BulkPresenter(t.db).call({ bulkActionId: dry.bulkActionId });
    const failed = view!.targets.filter((x) => x.outcome === "failed");
    expect(failed.length).toBeGreaterThan(0);
    // The view names who made the bulk action (staff see that); the targets' text must not.
    const text = JSON.stringify(view!.targets);
    for (const leak of [EMAIL, "audit refused", "insert into", "audit_records"])
      expect(text, `contains ${leak}`).not.toContain(leak);
    const incidentId = /Incident ([0-9a-f-]{36})/.exec(failed[0]!.message ?? "")?.[1];
    expect(incidentId).toBeDefined();
    const line = logged.find((l) => l.incidentId === incidentId);
    expect(line).toMatchObject({ bulkActionId: dry.bulkActionId, operationId: failed[0]!.operationId });
    expect(JSON.stringify(line)).toContain(`audit refused for ${EMAIL}`);
  });
});
