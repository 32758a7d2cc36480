import { expect, test } from "@playwright/test";
import { DEFAULT_STREAM_LIMITS } from "@/server/live/stream-limiter";
import { screenshot, startOrder, unique } from "./support";

test.use({ viewport: { width: 390, height: 844 } });
test.describe.configure({ timeout: 120_000 });

/**
 * Issue 15 hole 9: a link's live streams are capped. With the link's streams all taken (held
 * open here as other tabs would), the page is refused a stream of its own and says it refreshes
 * by itself instead, rather than failing or reconnecting in a loop.
 */
test("a track page over its link's stream limit falls back to refreshing and says so", async ({
  page,
  request,
  baseURL,
}, info) => {
  const order = await startOrder(request, { reference: unique("ord_paused"), email: "paused@example.com" });
  const token = order.links.track.split("/").pop()!;
  const input = encodeURIComponent(JSON.stringify({ json: { token } }));
  const held = new AbortController();
  try {
    // Every slot of this link, each stream open once its first message (the resync) arrived.
    await Promise.all(
      Array.from({ length: DEFAULT_STREAM_LIMITS.perLink }, async () => {
        const res = await fetch(`${baseURL}/api/trpc/track.watch?input=${input}`, {
          headers: { accept: "text/event-stream" },
          signal: held.signal,
        });
        const reader = res.body!.getReader();
        let text = "";
        while (!text.includes("\nid: ")) text += new TextDecoder().decode((await reader.read()).value);
        reader.releaseLock();
      }),
    );
    await page.goto(order.links.track);
    await expect(page.getByTestId("track-headline")).toBeVisible();
    await expect(page.getByTestId("track-live-note")).toHaveText(
      "Live updates are paused; this page refreshes every 15 seconds instead.",
    );
    await screenshot(page, info, "track-live-paused-phone");
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, info, "track-live-paused-desktop");
  } finally {
    held.abort();
  }
});
