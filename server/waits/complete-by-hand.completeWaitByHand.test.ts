import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_REQUEST } from "@/server/audit/write";
import type { StaffPrincipal } from "@/server/auth/session";
import { bulkWork } from "@/server/bulk/work";
import { OperationDetailPresenter } from "@/server/presenters/detail/operation-detail-presenter";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { callbacks, waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { completeWaitByHand } from "./complete-by-hand";
import { WaitService } from "./wait-service";
import { waitsWork } from "./work";

const registry = new WorkflowRegistry([
  waitingWorkflow("test.hand"),
  waitingWorkflow("test.hand_short", { deadlineMs: 300 }),
]);
let t: TestDatabase;
let h: EngineHarness;
let waits: WaitService;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker({ companions: [bulkWork, waitsWork] });
  waits = new WaitService({ db: t.db, runs: h.runs, registry });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

async function waiting(type: string) {
  const id = await h.start(type, {});
  const callback = await eventually(async () => {
    const [found] = callbacks.get(id) ?? [];
    if (!found) throw new Error("no callback yet");
    const [row] = await t.db.$client`select 1 from waits where id = ${found.waitId}`;
    if (!row) throw new Error("the wait is not open");
    return found;
  });
  return { id, token: callback.token };
}

const byHand = (operationId: string, payload: unknown, reason = "The carrier confirmed pickup by phone") =>
  completeWaitByHand(
    { db: t.db, waits },
    {
      operationId,
      step: "send",
      acknowledgment: { status: "succeeded", payload },
      reason,
      principal: TEST_OPERATOR as StaffPrincipal,
      requestMeta: NO_REQUEST,
    },
  );

describe("an operator completes a wait by hand", () => {
  it("completes the step, audited with the reason, by the person", async () => {
    const { id } = await waiting("test.hand");
    expect(await byHand(id, { pickupRef: "PU-H1" }, "no")).toMatchObject({ type: "invalid_reason" });
    expect(await byHand(id, { pickupRef: 7 })).toMatchObject({ type: "invalid" });
    const done = await byHand(id, { pickupRef: "PU-H1" });
    expect(done).toMatchObject({ type: "completed", statusBefore: "processing" });
    await h.waitFor(id, ["completed"]);
    const [wait] = await t.db.$client`select state, completed_by from waits where operation_id = ${id}`;
    expect(wait).toEqual({ state: "completed", completed_by: "user:operator@test.local" });
    const audits = await t.db.$client`
      select action, reason, step, details from audit_records where operation_id = ${id}`;
    expect(audits).toEqual([
      {
        action: "wait_completed_by_hand",
        reason: "The carrier confirmed pickup by phone",
        step: "send",
        details: expect.objectContaining({ outcome: "succeeded", payload: { pickupRef: "PU-H1" } }),
      },
    ]);
  });

  it("refuses, typed, a wait the other system completed first; the refusal is on the timeline", async () => {
    const { id, token } = await waiting("test.hand");
    const partner = { by: "callback", actor: "system" };
    expect(
      await waits.acknowledge({ token }, { status: "succeeded", payload: { pickupRef: "PU-P" } }, partner),
    ).toMatchObject({ type: "accepted" });
    // Even the same answer: a person is told it was done already, never that they did it.
    expect(await byHand(id, { pickupRef: "PU-P" })).toMatchObject({ type: "already_completed" });
    expect(await byHand(id, { pickupRef: "PU-X" })).toMatchObject({ type: "already_completed" });
    const refused = (await h.events(id)).filter((e) => e.type === "acknowledgment_refused");
    expect(refused.map((e) => e.data?.reason)).toEqual(["duplicate", "conflict"]);
    const [audit] = await t.db
      .$client`select count(*)::int as n from audit_records where operation_id = ${id}`;
    expect(audit?.n).toBe(0);
    // The detail page lists the wait with every answer it received.
    const detail = await new OperationDetailPresenter(t.db, registry).call(id);
    expect(detail?.waits).toEqual([
      expect.objectContaining({
        step: "send",
        kind: "acknowledgment",
        state: "completed",
        target: "partner",
        completedBy: "callback",
        answers: [
          expect.objectContaining({ result: "accepted", by: "callback", outcome: "succeeded" }),
          expect.objectContaining({ result: "duplicate", by: "user:operator@test.local" }),
          expect.objectContaining({ result: "conflict", by: "user:operator@test.local" }),
        ],
      }),
    ]);
  });

  it("refuses, typed, a wait past its deadline", async () => {
    const { id } = await waiting("test.hand_short");
    await h.waitFor(id, ["blocked"]);
    expect(await byHand(id, { pickupRef: "PU-L" })).toEqual({ type: "expired", reason: "expired" });
    expect((await h.events(id)).some((e) => e.type === "acknowledgment_refused")).toBe(true);
  });

  it("an unknown step is not found", async () => {
    const { id } = await waiting("test.hand");
    const result = await completeWaitByHand(
      { db: t.db, waits },
      {
        operationId: id,
        step: "prepare",
        acknowledgment: { status: "succeeded", payload: {} },
        reason: "Wrong step on purpose",
        principal: TEST_OPERATOR as StaffPrincipal,
        requestMeta: NO_REQUEST,
      },
    );
    expect(result).toEqual({ type: "not_found" });
  });
});
