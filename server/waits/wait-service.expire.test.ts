import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkWork } from "@/server/bulk/work";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { callbacks, undone, waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { WaitService } from "./wait-service";
import { waitsWork } from "./work";

const SHORT = 300;
const registry = new WorkflowRegistry([
  waitingWorkflow("test.wait"),
  waitingWorkflow("test.wait_block", { deadlineMs: SHORT }),
  waitingWorkflow("test.wait_fail", {
    deadlineMs: SHORT,
    onDeadline: { fail: { reason: "Cancel the pickup." } },
  }),
  waitingWorkflow("test.wait_beat", { heartbeatMs: 600_000 }),
  waitingWorkflow("test.wait_beat_short", { heartbeatMs: SHORT }),
]);
const partner = { by: "callback", actor: "system" };
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

/** Starts an operation and resolves with the latest callback its waiting step handed out, once its row exists. */
async function opened(type: string, existing?: string, count = 1) {
  const id = existing ?? (await h.start(type, {}));
  return eventually(async () => {
    const callback = (callbacks.get(id) ?? [])[count - 1];
    if (!callback) throw new Error(`the effect has not run ${count} time(s)`);
    const [row] = await t.db.$client`select state from waits where id = ${callback.waitId}`;
    if (!row) throw new Error("the wait is not open");
    return { id, token: callback.token, waitId: callback.waitId };
  });
}

const failure = (errorClass: "transient" | "permanent" | "needs_person") =>
  ({ status: "failed", errorClass, message: `The partner says ${errorClass}.` }) as const;
const operation = async (id: string) =>
  (await t.db.$client`select status, blocked_kind, action_required from operations where id = ${id}`)[0];

describe("failure acknowledgments, classified like any step error", () => {
  it("permanent: the step fails and the operation compensates", async () => {
    const { id, token } = await opened("test.wait");
    expect(await waits.acknowledge({ token }, failure("permanent"), partner)).toMatchObject({
      type: "accepted",
    });
    await h.waitFor(id, ["failed"]);
    expect(undone.has(`${id}:prepare`)).toBe(true);
  });

  it("needs a person: the operation blocks awaiting the outside system", async () => {
    const { id, token } = await opened("test.wait");
    expect(await waits.acknowledge({ token }, failure("needs_person"), partner)).toMatchObject({
      type: "accepted",
    });
    await h.waitFor(id, ["blocked"]);
    expect(await operation(id)).toMatchObject({
      blocked_kind: "awaiting_external",
      action_required: "Call the partner, then resume or cancel.",
    });
  });

  it("transient: the effect runs again and opens a new wait, which completes the step", async () => {
    const first = await opened("test.wait");
    expect(await waits.acknowledge({ token: first.token }, failure("transient"), partner)).toMatchObject({
      type: "accepted",
    });
    const second = await opened("test.wait", first.id, 2);
    expect(second.waitId).not.toBe(first.waitId);
    // The first wait is over: its token answers from its row, it cannot complete the new one.
    expect(
      await waits.acknowledge(
        { token: first.token },
        { status: "succeeded", payload: { pickupRef: "PU-9" } },
        partner,
      ),
    ).toMatchObject({ type: "conflict" });
    expect(
      await waits.acknowledge(
        { token: second.token },
        { status: "succeeded", payload: { pickupRef: "PU-9" } },
        partner,
      ),
    ).toMatchObject({ type: "accepted", replayed: false });
    await h.waitFor(first.id, ["completed"]);
  });
});

describe("the deadline", () => {
  it("blocks with kind awaiting_external and the declared action; a late acknowledgment is 410 and on the timeline", async () => {
    const { id, token } = await opened("test.wait_block");
    await h.waitFor(id, ["blocked"]);
    expect(await operation(id)).toMatchObject({
      blocked_kind: "awaiting_external",
      action_required: "Call the partner, then resume or cancel.",
    });
    const late = await waits.acknowledge(
      { token },
      { status: "succeeded", payload: { pickupRef: "PU-7" } },
      partner,
    );
    expect(late).toMatchObject({ type: "gone", reason: "expired" });
    const refused = (await h.events(id)).filter((e) => e.type === "acknowledgment_refused");
    expect(refused).toEqual([
      expect.objectContaining({ step: "send", data: expect.objectContaining({ reason: "expired" }) }),
    ]);
    expect((await operation(id))?.status).toBe("blocked");
  });

  it("fails and compensates when the step says so", async () => {
    const { id } = await opened("test.wait_fail");
    await h.waitFor(id, ["failed"]);
    expect(undone.has(`${id}:prepare`)).toBe(true);
    const [wait] = await t.db.$client`select state, outcome from waits where operation_id = ${id}`;
    expect(wait).toMatchObject({ state: "expired", outcome: "permanent" });
  });

  it("a late acknowledgment before the companion ran is 410 too", async () => {
    const { id, token, waitId } = await opened("test.wait");
    await t.db.$client`update waits set deadline_at = now() - interval '1 second' where id = ${waitId}`;
    const late = await waits.acknowledge(
      { token },
      { status: "succeeded", payload: { pickupRef: "PU-8" } },
      partner,
    );
    expect(late).toMatchObject({ type: "gone" });
    await h.waitFor(id, ["blocked"]);
  });
});

describe("heartbeats", () => {
  it("move the heartbeat deadline, never the overall deadline", async () => {
    const { waitId, token } = await opened("test.wait_beat");
    const read = async () =>
      (
        await t.db
          .$client`select deadline_at::text as d, heartbeat_deadline_at::text as h from waits where id = ${waitId}`
      )[0]!;
    const before = await read();
    const beat = await waits.heartbeat({ token });
    expect(beat.type).toBe("ok");
    const after = await read();
    expect(after.d).toBe(before.d);
    expect(new Date(after.h).getTime()).toBeGreaterThan(new Date(before.h).getTime());
    expect(await waits.heartbeat({ token: `${token}x` })).toEqual({ type: "not_found" });
  });

  it("a missed heartbeat blocks like a deadline", async () => {
    const { id } = await opened("test.wait_beat_short");
    await h.waitFor(id, ["blocked"]);
    const blocked = (await h.events(id)).find((e) => e.type === "attempt_failed" && e.step === "send");
    expect(blocked?.data).toMatchObject({ code: "heartbeat_missed" });
  });
});
