import { expect, test } from "@playwright/test";
import { createTrackToken } from "@/server/auth/track-token";
import { appSecret, expectAccessible, screenshot, startOrder, unique } from "./support";

test.use({ viewport: { width: 390, height: 844 } });

// Cold pages, axe scans and live waits on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

test.describe("end-user track page", () => {
  test("shows only product language, no internals", async ({ page, request }, info) => {
    const reference = unique("ord_track");
    const order = await startOrder(request, { reference, email: "track@example.com" });
    await page.goto(order.links.track);
    await expect(page.getByTestId("track-headline")).toBeVisible();
    await expect(page.getByRole("list", { name: "Progress" })).toContainText("Reserving your items");
    // biome-ignore lint/performance/useDomNodeTextContent: what the end user sees is the rendered text, not hidden nodes
    const text = await page.locator("body").innerText();
    for (const internal of [
      order.id,
      "reserve_stock",
      "charge_payment",
      "worker:",
      "attempt",
      "trace",
      reference,
    ]) {
      expect(text).not.toContain(internal);
    }
    // No console navigation for the end user.
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await screenshot(page, info, "track-phone");
    await expectAccessible(page);
  });

  test("a tampered or expired link gets a clear 'link not valid' page", async ({ page, request }, info) => {
    const order = await startOrder(request, { reference: unique("ord_tamper"), email: "tamper@example.com" });
    const token = order.links.track.split("/").pop()!;
    const [payload, signature] = token.split(".");
    const flipped = `${payload!.slice(0, -1)}${payload!.endsWith("A") ? "B" : "A"}.${signature}`;
    await page.goto(`/track/${flipped}`);
    await expect(page.getByRole("heading", { name: "This link is not valid" })).toBeVisible();
    await screenshot(page, info, "track-invalid");
    await expectAccessible(page);

    process.env.THROUGHLINE_SECRET ??= appSecret();
    const expired = createTrackToken(order.id, new Date(Date.now() - 40 * 24 * 3_600_000));
    await page.goto(`/track/${expired}`);
    await expect(page.getByRole("heading", { name: "This link is not valid" })).toBeVisible();
    await expect(page.getByText(/expired/)).toBeVisible();
    await page.goto("/track/not-a-token");
    await expect(page.getByRole("heading", { name: "This link is not valid" })).toBeVisible();
  });
});
