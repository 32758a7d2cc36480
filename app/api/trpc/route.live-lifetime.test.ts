/**
 * A stream whose client vanished without a trace (no FIN, no RST, the request never aborted)
 * still gives its slot back: every stream ends after THROUGHLINE_LIVE_MAX_DURATION_MS and the
 * browser resumes it from its cursor (issue 15 hole 9). Lowered to 1 s for this file only.
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
  process.env.THROUGHLINE_SECRET ??= "live-lifetime-secret";
  process.env.THROUGHLINE_LIVE_MAX_DURATION_MS = "1000";
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  ({ GET } = (await import(path.join(ROOT, "app/api/trpc/[trpc]/route.ts"))) as { GET: Handler });
  ({ services } = {
    services: (
      (await import(path.join(ROOT, "app/_lib/services.ts"))) as { processServices: () => Services }
    ).processServices(),
  });
}, 60_000);
afterAll(async () => {
  await t.drop();
});

describe("a live stream's lifetime", () => {
  it("ends by itself and frees its slot though its client never reads or aborts again", async () => {
    const op = await insertOperation(t.db.$client);
    const input = encodeURIComponent(JSON.stringify({ json: { token: createTrackToken(op) } }));
    const res = await GET(
      new Request(`http://localhost:3000/api/trpc/track.watch?input=${input}`, {
        headers: { accept: "text/event-stream" },
      }),
    );
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("\nid: ")) text += new TextDecoder().decode((await reader.read()).value);
    expect(services.live.streams.openStreams).toBe(1);
    // From here on the client is gone: nothing reads, nothing aborts.
    await eventually(() => expect(services.live.streams.openStreams).toBe(0));
    expect(services.live.subscriberCount).toBe(0);
  });
});
