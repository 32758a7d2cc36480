/**
 * Live streams are capped (issue 15 hole 9): per client address and per link for anonymous
 * track pages, per person for staff; the stream over the limit is a typed TOO_MANY_REQUESTS,
 * and an aborted stream gives its slot back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrackToken } from "@/server/auth/track-token";
import type { Principal } from "@/server/domain/principal";
import { LiveHub } from "@/server/live/hub";
import { DEFAULT_STREAM_LIMITS } from "@/server/live/stream-limiter";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { insertOperation } from "@/test/fixtures/operations";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
const LIMITS = { perAddress: 3, perLink: 2, perStaff: 2, total: 100 };

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  services = testServices(t, { live: new LiveHub({ sql: t.db.$client, limits: LIMITS }) });
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

const staff = (n: number): Principal => ({
  kind: "staff",
  userId: `00000000-0000-7000-8000-00000000000${n}`,
  email: `staff${n}@console.test`,
  role: "support",
});

interface Opened {
  /** The stream's first message (a resync: no cursor given), or its refusal. */
  first: Promise<IteratorResult<unknown>>;
  abort: () => void;
}

/** Opens one stream as `principal` from `address`; the slot is taken on the first read. */
function open(
  principal: Principal,
  address: string | null,
  subscribe: (caller: ReturnType<typeof createCaller>) => Promise<AsyncIterable<unknown>>,
): Opened {
  const ac = new AbortController();
  const caller = createCaller(
    createContextInner({ principal, services, request: { requestId: null, clientAddress: address } }),
    { signal: ac.signal },
  );
  const first = subscribe(caller).then((s) => s[Symbol.asyncIterator]().next());
  // A refusal is asserted where it is expected; an open stream ends done when aborted.
  first.catch(() => {});
  return { first, abort: () => ac.abort() };
}

const refusal = (o: Opened) =>
  o.first.then(
    () => "opened",
    (e: { code?: string }) => e.code,
  );
const openCount = () => services.live.streams.openStreams;

describe("live stream limits", () => {
  it("caps a track link's streams per link and per address, and frees a slot when a stream is aborted", async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => insertOperation(t.db.$client)));
    const watch = (op: string) => (caller: ReturnType<typeof createCaller>) =>
      caller.track.watch({ token: createTrackToken(op!) });
    const x1 = open({ kind: "anonymous" }, "203.0.113.7", watch(a!));
    const x2 = open({ kind: "anonymous" }, "203.0.113.7", watch(a!));
    await eventually(() => expect(openCount()).toBe(2));
    // A third stream of the same link, even from elsewhere: the link's limit.
    expect(await refusal(open({ kind: "anonymous" }, "198.51.100.1", watch(a!)))).toBe("TOO_MANY_REQUESTS");
    const x3 = open({ kind: "anonymous" }, "203.0.113.7", watch(b!));
    await eventually(() => expect(openCount()).toBe(3));
    // A fourth from that address, for yet another link: the address's limit.
    expect(await refusal(open({ kind: "anonymous" }, "203.0.113.7", watch(c!)))).toBe("TOO_MANY_REQUESTS");
    const elsewhere = open({ kind: "anonymous" }, "198.51.100.1", watch(c!));
    await eventually(() => expect(openCount()).toBe(4));
    expect(openCount()).toBe(4);

    for (const o of [x1, x2, x3, elsewhere]) o.abort();
    await eventually(() => expect(openCount()).toBe(0));
    // The slots are free again: the address and the link open streams as before.
    const again = open({ kind: "anonymous" }, "203.0.113.7", watch(a!));
    await eventually(() => expect(openCount()).toBe(1));
    again.abort();
    await eventually(() => expect(openCount()).toBe(0));
  });

  it("accepts only the default per-address limit of 400 anonymous streams from one client (the attack)", async () => {
    const defaults = testServices(t, {
      live: new LiveHub({ sql: t.db.$client, limits: DEFAULT_STREAM_LIMITS }),
    });
    try {
      const links = await Promise.all(Array.from({ length: 50 }, () => insertOperation(t.db.$client)));
      const opened = links.flatMap((op) =>
        Array.from({ length: 8 }, () => {
          const ac = new AbortController();
          const caller = createCaller(
            createContextInner({
              principal: { kind: "anonymous" },
              services: defaults,
              request: { requestId: null, clientAddress: "203.0.113.99" },
            }),
            { signal: ac.signal },
          );
          const first = caller.track
            .watch({ token: createTrackToken(op) })
            .then((s) => s[Symbol.asyncIterator]().next())
            .then(
              () => "opened",
              (e: { code?: string }) => e.code,
            );
          return { first, abort: () => ac.abort() };
        }),
      );
      const answers = await Promise.all(opened.map((o) => o.first));
      expect(answers).toHaveLength(400);
      expect(answers.filter((a) => a === "opened")).toHaveLength(DEFAULT_STREAM_LIMITS.perAddress);
      expect(answers.filter((a) => a === "TOO_MANY_REQUESTS")).toHaveLength(
        400 - DEFAULT_STREAM_LIMITS.perAddress,
      );
      for (const o of opened) o.abort();
      await eventually(() => expect(defaults.live.streams.openStreams).toBe(0));
    } finally {
      await defaults.close();
    }
  });

  it("counts an unknown address as one address, so hiding it does not escape the cap", async () => {
    const ops = await Promise.all([1, 2, 3, 4].map(() => insertOperation(t.db.$client)));
    const opened = ops
      .slice(0, 3)
      .map((op) => open({ kind: "anonymous" }, null, (c) => c.track.watch({ token: createTrackToken(op) })));
    await eventually(() => expect(openCount()).toBe(3));
    const fourth = open({ kind: "anonymous" }, null, (c) =>
      c.track.watch({ token: createTrackToken(ops[3]!) }),
    );
    expect(await refusal(fourth)).toBe("TOO_MANY_REQUESTS");
    for (const o of opened) o.abort();
    await eventually(() => expect(openCount()).toBe(0));
  });

  it("caps a staff member's streams per person, not per address, across both staff streams", async () => {
    const op = await insertOperation(t.db.$client);
    const changes = open(staff(1), "192.0.2.10", (c) => c.live.changes({}));
    const detail = open(staff(1), "192.0.2.11", (c) => c.live.operation({ id: op }));
    // The first message of `changes` (a resync) arrives at once: the stream is open.
    expect(await changes.first).toMatchObject({ done: false });
    await eventually(() => expect(openCount()).toBe(2));
    expect(await refusal(open(staff(1), "192.0.2.12", (c) => c.live.changes({})))).toBe("TOO_MANY_REQUESTS");
    // A colleague on the same office address is not refused.
    const colleague = open(staff(2), "192.0.2.10", (c) => c.live.operation({ id: op }));
    await eventually(() => expect(openCount()).toBe(3));
    detail.abort();
    await eventually(() => expect(openCount()).toBe(2));
    const reopened = open(staff(1), "192.0.2.10", (c) => c.live.changes({}));
    expect(await reopened.first).toMatchObject({ done: false });
    for (const o of [changes, colleague, reopened]) o.abort();
    await eventually(() => expect(openCount()).toBe(0));
    expect(services.live.subscriberCount).toBe(0);
  });
});
