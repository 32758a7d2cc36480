/**
 * Live track pages share their database reads (issue 15 hole 9): N pages watching one
 * operation cost, per change, one read of the feed (the hub's) and one read of the operation
 * (the refetch each page makes on the message), not one per page. Queries are counted on the
 * pool the services use (postgres.js `debug`); the test's own writes go through another pool.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { createTrackToken } from "@/server/auth/track-token";
import { LiveHub } from "@/server/live/hub";
import { createServices, type Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { insertEvents, insertOperation } from "@/test/fixtures/operations";
import { createCaller } from "./_app";

const PAGES = 20;
let t: TestDatabase;
let client: postgres.Sql;
let services: Services;
const queries: string[] = [];

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  client = postgres(t.url, {
    max: 4,
    onnotice: () => {},
    debug: (_connection, query) => queries.push(query),
  });
  const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Db;
  const limits = { perAddress: 100, perLink: 100, perStaff: 100, total: 1_000 };
  // The services over the counted pool (createServices, as testServices does over t.db). The
  // backstop poll never fires while this file runs: only the change's notification reads the feed.
  services = createServices({
    db,
    url: t.url,
    live: new LiveHub({ sql: client, pollMs: 3_600_000, limits }),
  });
});
afterAll(async () => {
  await services.close();
  await client.end();
  await t.drop();
});

const feedReads = () => queries.filter((q) => q.includes("with fresh as")).length;
const operationReads = () => queries.filter((q) => q.includes("from operations o where o.id")).length;

describe("track pages of one operation", () => {
  it(`cost one feed read and one operation read per change, for ${PAGES} pages`, async () => {
    const op = await insertOperation(t.db.$client, { type: "order.fulfill", version: 1 });
    const token = createTrackToken(op);
    const anonymous = createCaller(createContextInner({ principal: { kind: "anonymous" }, services }));
    expect((await anonymous.track.get({ token })).type).toBe("ok");

    // PAGES pages, each from its own address, each refetching on every message as the page
    // does. Opened without a cursor, each first gets a resync (and refetches): once all have,
    // every stream is live on the hub and the counting starts.
    const ac = new AbortController();
    const refetched: number[] = [];
    const pages = Array.from({ length: PAGES }, async (_, i) => {
      const caller = createCaller(
        createContextInner({
          principal: { kind: "anonymous" },
          services,
          request: { requestId: null, clientAddress: `203.0.113.${i + 1}` },
        }),
        { signal: ac.signal },
      );
      for await (const _message of await caller.track.watch({ token })) {
        const fresh = await caller.track.get({ token });
        refetched.push(fresh.type === "ok" ? fresh.view.stages.length : -1);
      }
    });
    await eventually(() => expect(refetched).toHaveLength(PAGES));
    const before = { feed: feedReads(), operation: operationReads() };

    await insertEvents(t.db.$client, op, [{ type: "step_started", step: "reserve_stock" }]);
    await eventually(() => expect(refetched).toHaveLength(2 * PAGES));
    expect(refetched.every((stages) => stages > 0)).toBe(true);
    expect({ feed: feedReads() - before.feed, operation: operationReads() - before.operation }).toEqual({
      feed: 1,
      operation: 1,
    });

    ac.abort();
    await Promise.all(pages);
    expect(services.live.streams.openStreams).toBe(0);
  });
});
