import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertEvents, insertOperation } from "@/test/fixtures/operations";
import { currentCursor } from "./feed";
import { type LiveBatch, LiveHub } from "./hub";
import { watch } from "./watch";

let t: TestDatabase;
/** Two "web processes": each its own pool and hub against the same database. */
let webA: postgres.Sql;
let webB: postgres.Sql;
let hubA: LiveHub;
let hubB: LiveHub;

beforeAll(async () => {
  t = await createTestDatabase();
  webA = postgres(t.url, { max: 3, onnotice: () => {} });
  webB = postgres(t.url, { max: 3, onnotice: () => {} });
  // The backstop poll never fires while this file runs: only a notification delivers live events.
  hubA = new LiveHub({ sql: webA, pollMs: 3_600_000 });
  hubB = new LiveHub({ sql: webB, pollMs: 3_600_000 });
});
afterAll(async () => {
  await hubA.stop();
  await hubB.stop();
  await webA.end();
  await webB.end();
  await t.drop();
});

/** Takes batches from a stream until `done` says enough, or fails after a generous `ms`. */
async function take(
  stream: AsyncGenerator<LiveBatch>,
  done: (all: LiveBatch[]) => boolean,
  ms = 20_000,
): Promise<LiveBatch[]> {
  const all: LiveBatch[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), ms);
  });
  try {
    while (!done(all)) {
      const next = await Promise.race([stream.next(), timeout]);
      if (next === "timeout") throw new Error(`nothing more within ${ms} ms after ${JSON.stringify(all)}`);
      if (next.done) break;
      all.push(next.value);
    }
    return all;
  } finally {
    clearTimeout(timer);
  }
}

const steps = (batches: LiveBatch[]) => batches.flatMap((b) => b.events.map((e) => e.step));

/**
 * Commits events without a NOTIFY, as the engine's deferred notify leaves them for a moment
 * (migration 0007): until something pokes it, no hub has read them.
 */
async function insertUnannounced(op: string, events: Parameters<typeof insertEvents>[2]): Promise<void> {
  await t.db.$client.begin(async (tx) => {
    await tx`select set_config('throughline.defer_notify', 'on', true)`;
    await insertEvents(tx as unknown as postgres.Sql, op, events);
  });
}

describe("live hub and watch", () => {
  // How long the push takes is a figure in `npm run bench` (BENCH_ONLY=waits).
  it("pushes a committed event to subscribers of every process, through NOTIFY", async () => {
    const op = await insertOperation(t.db.$client);
    const ac = new AbortController();
    const sinceA = await currentCursor(webA);
    const sinceB = await currentCursor(webB);
    // Committed before the streams start, so their catch-up read delivers it; once it has,
    // a later event can only come through the hub.
    await insertEvents(t.db.$client, op, [{ type: "step_started", step: "before" }]);
    const onA = watch({
      hub: hubA,
      sql: webA,
      filter: { operationId: op },
      since: sinceA,
      signal: ac.signal,
    });
    const onB = watch({
      hub: hubB,
      sql: webB,
      filter: { operationId: op },
      since: sinceB,
      signal: ac.signal,
    });
    const caught = await Promise.all([onA, onB].map((s) => take(s, (all) => steps(all).length >= 1)));
    expect(caught.map(steps)).toEqual([["before"], ["before"]]);

    await insertEvents(t.db.$client, op, [{ type: "step_started", step: "one" }]);
    // With the backstop poll an hour away, the notification did it.
    const pushed = await Promise.all([onA, onB].map((s) => take(s, (all) => steps(all).length >= 1)));
    expect(pushed.map(steps)).toEqual([["one"], ["one"]]);
    ac.abort();
    await onA.return(undefined);
    await onB.return(undefined);
  });

  it("resumes from the last cursor after a disconnect without missing or repeating events", async () => {
    const op = await insertOperation(t.db.$client);
    const first = new AbortController();
    const stream = watch({
      hub: hubA,
      sql: webA,
      filter: { operationId: op },
      since: await currentCursor(webA),
      signal: first.signal,
    });
    const pending = stream.next();
    // No waiting for the hub to have read it too: whether the hub is behind the page's
    // cursor or not when the page comes back, "before" is not sent again.
    await insertEvents(t.db.$client, op, [{ type: "step_started", step: "before" }]);
    const got = (await pending).value as LiveBatch;
    expect(got.events.map((e) => e.step)).toEqual(["before"]);
    // The page goes away (network drop); meanwhile the operation moves on.
    first.abort();
    await stream.return(undefined);
    await insertEvents(t.db.$client, op, [
      { type: "step_succeeded", step: "while-away" },
      { type: "step_started", step: "while-away-2" },
    ]);
    // Reconnect with the last cursor it received (tRPC's lastEventId).
    const again = new AbortController();
    const resumed = watch({
      hub: hubA,
      sql: webA,
      filter: { operationId: op },
      since: got.cursor,
      signal: again.signal,
    });
    const caught = await take(resumed, (all) => steps(all).length >= 2);
    expect(steps(caught)).toEqual(["while-away", "while-away-2"]);
    await insertEvents(t.db.$client, op, [{ type: "completed", step: "after" }]);
    const live = await take(resumed, (all) => steps(all).length >= 1);
    expect(steps(live)).toEqual(["after"]);
    again.abort();
    await resumed.return(undefined);
  });

  it("never sends an event at or below the page's cursor, even while the hub's cursor lags behind it", async () => {
    const op = await insertOperation(t.db.$client);
    await hubA.ready();
    // Committed, but not yet read by the hub: its cursor is older than this event.
    await insertUnannounced(op, [{ type: "step_started", step: "already-shown" }]);
    // The page read its state after that commit (its first read, or a stream on another
    // process): its cursor is past the event, the hub's is not.
    const pageCursor = await currentCursor(webB);
    const ac = new AbortController();
    const stream = watch({
      hub: hubA,
      sql: webA,
      filter: { operationId: op },
      since: pageCursor,
      signal: ac.signal,
    });
    // Starts the stream (subscribed, catching up), then lets the hub read from its old cursor.
    const first = stream.next();
    hubA.poke();
    await insertEvents(t.db.$client, op, [{ type: "step_succeeded", step: "new" }]);
    const all: LiveBatch[] = [(await first).value as LiveBatch];
    const got = await take(stream, (batches) => steps([...all, ...batches]).includes("new"));
    expect(steps([...all, ...got])).toEqual(["new"]);
    ac.abort();
    await stream.return(undefined);
  });

  it("tells a subscriber without a cursor to resync, and counts without keeping events when asked", async () => {
    const op = await insertOperation(t.db.$client);
    const ac = new AbortController();
    const stream = watch({ hub: hubB, sql: webB, filter: { countOnly: true }, signal: ac.signal });
    const [hello] = await take(stream, (all) => all.length >= 1);
    expect(hello).toMatchObject({ resync: true, count: 0 });
    await insertEvents(t.db.$client, op, [
      { type: "step_started", step: "a" },
      { type: "step_succeeded", step: "a" },
    ]);
    const batches = await take(stream, (all) => all.reduce((n, b) => n + b.count, 0) >= 2);
    expect(batches.every((b) => b.events.length === 0)).toBe(true);
    ac.abort();
    await stream.return(undefined);
    expect(hubB.subscriberCount).toBe(0);
  });

  it("reads the feed once per tick, whatever the number of notifications and subscribers", async () => {
    // The next tick an hour away: every poke after the first read waits for it.
    const hub = new LiveHub({ sql: webA, pollMs: 3_600_000, tickMs: 3_600_000 });
    try {
      await hub.ready();
      const op = await insertOperation(t.db.$client);
      const subscribers = Array.from({ length: 50 }, () => hub.subscribe({ operationId: op }));
      const before = hub.reads;
      await insertUnannounced(op, [{ type: "step_started", step: "one" }]);
      hub.poke();
      const first = await Promise.all(subscribers.map((s) => s.next()));
      expect(first.map((b) => b?.events.map((e) => e.step))).toEqual(subscribers.map(() => ["one"]));
      // A burst of commits and notifications: absorbed by the read scheduled for the next tick.
      for (let i = 0; i < 20; i++) {
        await insertEvents(t.db.$client, op, [{ type: "step_succeeded", step: `burst-${i}` }]);
        hub.poke();
      }
      expect(hub.reads - before).toBe(1);
    } finally {
      await hub.stop();
    }
  });

  it("keeps one LISTEN connection per hub whatever the number of subscribers", async () => {
    const op = await insertOperation(t.db.$client);
    const ac = new AbortController();
    const streams = Array.from({ length: 20 }, () =>
      watch({ hub: hubA, sql: webA, filter: { operationId: op }, signal: ac.signal }),
    );
    await Promise.all(streams.map((s) => s.next()));
    const [row] = await t.db.$client<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
    // hubA and hubB: one each.
    expect(row!.n).toBe(2);
    ac.abort();
    await Promise.all(streams.map((s) => s.return(undefined)));
  });
});
