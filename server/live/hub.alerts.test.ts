import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTS_CHANNEL } from "@/server/domain/alerts";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { LiveHub } from "./hub";

let t: TestDatabase;
let web: postgres.Sql;
let hub: LiveHub;

beforeAll(async () => {
  t = await createTestDatabase();
  web = postgres(t.url, { max: 3, onnotice: () => {} });
  // No backstop poll while this file runs: only the alerts notification can deliver.
  hub = new LiveHub({ sql: web, pollMs: 3_600_000, countOnlyIntervalMs: 0 });
  await hub.ready();
});
afterAll(async () => {
  await hub.stop();
  await web.end();
  await t.drop();
});

/** The next batch, or "none" once `ms` passes without one (a generous deadline, not a timing). */
async function next(sub: AsyncIterator<unknown>, ms = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"none">((r) => {
    timer = setTimeout(() => r("none"), ms);
  });
  try {
    const got = await Promise.race([sub.next(), timeout]);
    return got === "none" ? got : (got as IteratorResult<unknown>).value;
  } finally {
    clearTimeout(timer);
  }
}

describe("LiveHub and alerts", () => {
  it("an alert notification makes count-only subscribers refetch (resync), not operation followers", async () => {
    const counting = hub.subscribe({ countOnly: true })[Symbol.asyncIterator]();
    const following = hub.subscribe({ operationId: "0190f5c4-0000-7000-8000-00000000dead" });
    await t.db.$client`select pg_notify(${ALERTS_CHANNEL}, 'tick')`;
    expect(await next(counting)).toMatchObject({ resync: true, count: 0 });
    // The follower's queue is empty: closing it ends its iteration with nothing delivered.
    const followed = following[Symbol.asyncIterator]();
    following.close();
    expect(await followed.next()).toMatchObject({ done: true });
    await counting.return?.();
  });
});
