import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import type { CallbackBody, CallbackChannel } from "./carrier-callback";
import { oweCallbacks, sendOverdueCallbacks } from "./owed-callbacks";

/**
 * A pickup callback owed by a worker that dies before its timer fires is not lost (issue 12,
 * found by the short chaos run: an order left processing after a SIGKILL). The row written at
 * booking is sent by another worker's backstop pass, once, even with two passes at a time.
 * The channel records what it is handed (the transport); the rows are real.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

function recording(): CallbackChannel & { sent: { token: string; body: CallbackBody }[] } {
  const sent: { token: string; body: CallbackBody }[] = [];
  return {
    kind: "in_process",
    sent,
    async send(callback, body) {
      sent.push({ token: callback.token, body });
      return 200;
    },
  };
}

const confirm: CallbackBody = { status: "succeeded", payload: { shipmentId: "shp_1" } };
// Due in ten minutes: the owing process's timer never fires within the test (it is unref'd),
// as if the process had died; a pass that counts rows overdue by "minus twenty minutes" sees it.
const LATER_MS = 10 * 60_000;
const AS_IF_OVERDUE = { overdueMs: -20 * 60_000 };

describe("sendOverdueCallbacks", () => {
  it("sends what a dead worker owed, in order, once — also with two passes at a time", async () => {
    const owing = recording();
    await oweCallbacks(
      t.db,
      owing,
      { url: "http://web/cb/tok-a", token: "tok-a" },
      [confirm, confirm],
      LATER_MS,
    );
    await oweCallbacks(t.db, owing, { url: "http://web/cb/tok-b", token: "tok-b" }, [confirm], LATER_MS);
    expect(await sendOverdueCallbacks(t.db, recording())).toBe(0); // not overdue yet

    const backstop = recording();
    const [a, b] = await Promise.all([
      sendOverdueCallbacks(t.db, backstop, AS_IF_OVERDUE),
      sendOverdueCallbacks(t.db, backstop, AS_IF_OVERDUE),
    ]);
    expect(a + b).toBe(2);
    expect(backstop.sent.map((s) => s.token).sort()).toEqual(["tok-a", "tok-a", "tok-b"]);
    expect(owing.sent).toEqual([]);

    const rows = await t.db.$client<
      { done: boolean }[]
    >`select done_at is not null as done from sim_owed_callbacks`;
    expect(rows.map((r) => r.done)).toEqual([true, true]);
    expect(await sendOverdueCallbacks(t.db, recording(), AS_IF_OVERDUE)).toBe(0);
  });

  it("ends a row the web answered, even with a refusal such as 410 (the wait is gone)", async () => {
    await t.db.$client`delete from sim_owed_callbacks`;
    const refusing: CallbackChannel = { kind: "in_process", send: async () => 410 };
    await oweCallbacks(t.db, refusing, { url: "http://web/cb/tok-c", token: "tok-c" }, [confirm], LATER_MS);
    // 410 (the wait is gone): an answer, so done.
    expect(await sendOverdueCallbacks(t.db, refusing, AS_IF_OVERDUE)).toBe(1);
    const [row] = await t.db.$client<
      { done: boolean }[]
    >`select done_at is not null as done from sim_owed_callbacks`;
    expect(row!.done).toBe(true);
  });
});
