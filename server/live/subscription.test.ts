import { describe, expect, it } from "vitest";
import type { FeedCursor, FeedEvent } from "./feed";
import { Subscription } from "./subscription";

const cursor = (xmax: number) => `${xmax}:${xmax}:` as FeedCursor;
const event = (id: number, xid: number): FeedEvent => ({
  id,
  xid: BigInt(xid),
  operationId: "op",
  type: "step_started",
  step: `s${id}`,
  at: new Date(0),
});

/** Whether `promise` has settled once everything already queued has run (no timer involved). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
}

describe("Subscription", () => {
  it("drops every event its reader's cursor already has, offered before or after it is known", async () => {
    const s = new Subscription({}, () => {});
    s.offer(cursor(12), [event(1, 10), event(2, 11)], false);
    // The reader's snapshot 11:11: has transaction 10, not 11.
    s.skipSeenAt(cursor(11));
    s.offer(cursor(13), [event(3, 10), event(4, 12)], false);
    const batch = await s.next();
    expect(batch?.events.map((e) => e.id)).toEqual([2, 4]);
    expect(batch?.cursor).toBe(cursor(13));
    s.close();
  });

  it("sends at most one batch per interval, merging what arrives meanwhile", async () => {
    const s = new Subscription({ countOnly: true }, () => {}, 50);
    s.offer(cursor(11), [event(1, 10)], false);
    expect(await s.next()).toMatchObject({ count: 1, events: [] });
    const next = s.next();
    s.offer(cursor(12), [event(2, 11)], false);
    s.offer(cursor(13), [event(3, 12)], false);
    // Without the interval this batch would have gone out synchronously on the offer.
    expect(await settled(next)).toBe(false);
    expect(await next).toMatchObject({ count: 2, cursor: cursor(13), resync: false });
    s.close();
    expect(await s.next()).toBeNull();
  });

  it("delivers at once without an interval, and nothing after it is closed", async () => {
    const s = new Subscription({}, () => {});
    const next = s.next();
    s.offer(cursor(11), [event(1, 10)], false);
    expect(await settled(next)).toBe(true);
    s.offer(cursor(12), [event(2, 11)], false);
    s.close();
    expect(await s.next()).toBeNull();
  });
});
