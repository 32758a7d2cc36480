import { type APIRequestContext, expect, test } from "@playwright/test";
import { API_KEY, db, expectAccessible, screenshot, unique } from "./support";

/**
 * What the end user reads is true: an estimate from recent runs of the same steps while it
 * runs, and, while it waits on us, who is on it, said once and never as "Action needed".
 */
test.describe.configure({ timeout: 180_000 });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** How long each export renders; screenshots of a longer wait: E2E_ETA_RENDER_MS=20000. */
const RENDER_MS = Number(process.env.E2E_ETA_RENDER_MS ?? 8_000);

async function start(
  request: APIRequestContext,
  type: string,
  input: unknown,
): Promise<{ id: string; track: string }> {
  const reference = unique("eta");
  const res = await request.post("/api/v1/operations", {
    headers: { authorization: `Bearer ${API_KEY}`, "idempotency-key": reference },
    data: { type, input, reference },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  const body = (await res.json()) as { id: string; links: { track: string } };
  return { id: body.id, track: body.links.track };
}

const statusOf = async (id: string) =>
  (await db()<{ status: string }[]>`select status from operations where id = ${id}`)[0]?.status;

test.describe("end-user promises on the track page", () => {
  test("a block that is ours says who is on it, once, and asks nothing of the end user", async ({
    page,
    request,
  }, info) => {
    // Known to the warehouse, none on hand: the order waits for a person of ours to restock.
    const sku = unique("E2E-OUT").toUpperCase();
    await db()`insert into sim_stock (sku, title, on_hand) values (${sku}, ${sku}, 0)`;
    const order = await start(request, "order.fulfill", {
      orderId: unique("ord_out"),
      customerEmail: "out@example.com",
      items: [{ sku, quantity: 1 }],
      amountCents: 1999,
      currency: "EUR",
    });
    await expect.poll(() => statusOf(order.id), { timeout: 30_000 }).toBe("blocked");
    await page.setViewportSize(PHONE);
    await page.goto(order.track);
    const headline = page.getByTestId("track-headline");
    // The order's stock block re-checks by itself (precondition.recheck), and says so.
    await expect(headline).toHaveText(
      /^One of your items is out of stock right now\. We'll continue automatically as soon as it's back in stock/,
    );
    // biome-ignore lint/performance/useDomNodeTextContent: what the end user sees is the rendered text
    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/action needed/i);
    expect(text.split("out of stock right now").length - 1).toBe(1);
    const stage = page.locator('[data-stage-state="waiting"]');
    await expect(stage).toContainText("Reserving your items");
    await expect(stage).toContainText("On hold: we're on it");
    await expect(page.getByTestId("track-eta")).toHaveCount(0);
    await screenshot(page, info, "track-on-hold-phone");
    await expectAccessible(page);
    await page.setViewportSize(DESKTOP);
    await screenshot(page, info, "track-on-hold-desktop");
  });

  test("while it runs, a time left from the recent runs of its steps; none once finished", async ({
    page,
    request,
  }, info) => {
    const input = { report: "orders", rows: RENDER_MS * 50, format: "csv" };
    // History: a few exports whose one step really takes RENDER_MS on the real worker.
    const history = await Promise.all(
      Array.from({ length: 5 }, () => start(request, "report.export", input)),
    );
    for (const h of history)
      await expect.poll(() => statusOf(h.id), { timeout: 10 * RENDER_MS + 30_000 }).toBe("completed");

    const probe = await start(request, "report.export", input);
    await page.setViewportSize(PHONE);
    await page.goto(probe.track);
    await expect(page.getByTestId("track-headline")).toHaveText("Preparing your export…");
    const eta = page.getByTestId("track-eta");
    await expect(eta).toHaveText(/^(About .+|Just a few seconds) to go\.$/);
    await screenshot(page, info, "track-eta-phone");
    await page.setViewportSize(DESKTOP);
    await screenshot(page, info, "track-eta-desktop");
    await expect(page.getByTestId("track-headline")).toHaveText("Your export is ready to download.", {
      timeout: 10 * RENDER_MS + 30_000,
    });
    await expect(eta).toHaveCount(0);
  });
});
