/**
 * Live streams through the real fetch route (issue 15 hole 9): a quiet stream is pinged, so a
 * dead client is found, and a stream whose request is aborted gives its slot back.
 * THROUGHLINE_LIVE_PING_MS is lowered for this file only: how often pings go is config, not
 * what is tested.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrackToken } from "@/server/auth/track-token";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { insertOperation } from "@/test/fixtures/operations";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
type Handler = (req: Request) => Promise<Response>;
let t: TestDatabase;
let GET: Handler;
let services: Services;

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "live-route-secret";
  process.env.THROUGHLINE_LIVE_PING_MS = "200";
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  ({ GET } = (await import(path.join(ROOT, "app/api/trpc/[trpc]/route.ts"))) as { GET: Handler });
  const { processServices } = (await import(path.join(ROOT, "app/_lib/services.ts"))) as {
    processServices: () => Services;
  };
  services = processServices();
}, 60_000);
afterAll(async () => {
  await t.drop();
});

/** Opens track.watch over SSE, as the browser's EventSource does. */
function openTrackStream(token: string, signal: AbortSignal): Promise<Response> {
  const input = encodeURIComponent(JSON.stringify({ json: { token } }));
  return GET(
    new Request(`http://localhost:3000/api/trpc/track.watch?input=${input}`, {
      headers: { accept: "text/event-stream", "x-forwarded-for": "203.0.113.50" },
      signal,
    }),
  );
}

/** Reads the stream's text until `done` says enough. */
async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
    return text;
  } finally {
    reader.releaseLock();
  }
}

describe("live streams over the tRPC route", () => {
  it("pings a quiet stream and tells the browser to reconnect after three silent pings", async () => {
    const op = await insertOperation(t.db.$client);
    const ac = new AbortController();
    const res = await openTrackStream(createTrackToken(op), ac.signal);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // Nothing happens to the operation: only the keep-alive can arrive.
    const text = await readUntil(res, (s) => s.includes("event: ping"));
    expect(text).toContain("event: ping");
    expect(text).toContain('"reconnectAfterInactivityMs":600');
    ac.abort();
    await eventually(() => expect(services.live.streams.openStreams).toBe(0));
  });

  it("frees the slots of aborted streams: the count goes back down", async () => {
    const op = await insertOperation(t.db.$client);
    const token = createTrackToken(op);
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const responses = await Promise.all(controllers.map((ac) => openTrackStream(token, ac.signal)));
    // Each stream's first message (the resync) means its procedure runs and holds a slot.
    await Promise.all(responses.slice(0, 5).map((res) => readUntil(res, (s) => s.includes("\nid: "))));
    expect(services.live.streams.openStreams).toBe(5);
    for (const ac of controllers.slice(0, 3)) ac.abort();
    await eventually(() => expect(services.live.streams.openStreams).toBe(2));
    for (const ac of controllers.slice(3)) ac.abort();
    await eventually(() => expect(services.live.streams.openStreams).toBe(0));
    expect(services.live.subscriberCount).toBe(0);
  });
});
