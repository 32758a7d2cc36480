/**
 * What a support shift finds (issue 13), as a person sees it: search from the overview, "/"
 * on every console page, an email typed in capitals or only its start, the total; the
 * dashboard, search and detail at 390 px with nothing wider than the screen; the API guide
 * rendered with its shapes; an unknown bulk action answering 404 at once.
 */
import { expect, type Page, test } from "@playwright/test";
import {
  expectAccessible,
  pressSearchShortcut,
  screenshot,
  signIn,
  startOrder,
  unique,
} from "../console/support";

test.describe.configure({ timeout: 120_000 });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

/** Nothing on the page is wider than the viewport: no sideways scrolling of the page itself. */
async function expectNoHorizontalOverflow(page: Page) {
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scroll, "document.scrollWidth ≤ viewport width").toBeLessThanOrEqual(viewport);
}

test.describe("a support shift", () => {
  test("searches from the overview by the start of an email in capitals, and '/' finds search everywhere", async ({
    page,
    request,
  }, info) => {
    const name = unique("grace.hopper");
    const email = `${name}@example.com`;
    const reference = unique("ORD");
    const order = await startOrder(request, { reference, email });
    await page.setViewportSize(DESKTOP);
    await signIn(page, "/");

    const home = page.getByRole("searchbox", { name: "Search operations" });
    await expect(home).toBeVisible();
    // The stuck tile lines up with the status tiles: same top, same height, value at the same height.
    await expect(page.getByTestId("total-stuck-tile")).toBeVisible();
    const tiles = await page.evaluate(() => {
      const value = document.querySelector('[data-testid="total-accepted"]') as HTMLElement;
      const stuck = document.querySelector('[data-testid="total-stuck-tile"]') as HTMLElement;
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { top: Math.round(r.top), height: Math.round(r.height) };
      };
      return {
        accepted: box(value.parentElement!),
        stuck: box(stuck),
        acceptedValue: box(value).top,
        stuckValue: box(stuck.querySelector("p")!).top,
      };
    });
    expect(tiles.stuck).toEqual(tiles.accepted);
    expect(tiles.stuckValue).toBe(tiles.acceptedValue);
    await screenshot(page, info, "overview-desktop");
    await home.fill(name.toUpperCase());
    await home.press("Enter");
    await expect(page).toHaveURL(/\/operations\?q=/);
    const rows = page.getByTestId("operation-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(email);
    await expect(page.getByTestId("search-total")).toHaveText("1 operation");

    // The start of the reference, in another case.
    const box = page.getByRole("searchbox", { name: "Search operations" });
    await box.fill(reference.slice(0, -2).toLowerCase());
    await box.press("Enter");
    await expect(rows.first()).toContainText(reference);

    // "/" on a page without a search box opens the search with its box focused...
    await page.goto("/workflows");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await pressSearchShortcut(page);
    await expect(page).toHaveURL(/\/operations#search$/);
    await expect(page.getByRole("searchbox", { name: "Search operations" })).toBeFocused();
    // ...and on the overview focuses the overview's own.
    await page.goto("/");
    await expect(home).toBeVisible();
    await pressSearchShortcut(page);
    await expect(home).toBeFocused();

    // The detail header keeps the whole email and trace id readable.
    await page.goto(`/operations/${order.id}`);
    const trace = page.getByTestId("trace-id");
    await expect(trace).toBeVisible();
    const cut = await trace.evaluate((el) => {
      const dd = el.closest("dd") as HTMLElement;
      return dd.scrollWidth > dd.clientWidth;
    });
    expect(cut, "trace id not cut off").toBe(false);
    await expect(page.getByTestId("runbook").locator("li").first()).toBeVisible();
    await screenshot(page, info, "detail-desktop");
  });

  test("the overview, search and an operation fit a 390 px phone", async ({ page, request }, info) => {
    const email = `${unique("phone")}@example.com`;
    const order = await startOrder(request, { reference: unique("ord"), email });
    await page.setViewportSize(PHONE);
    await signIn(page, "/");
    await expect(page.getByRole("searchbox", { name: "Search operations" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Operations overview" })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await screenshot(page, info, "overview-phone");

    await page.goto(`/operations?q=${encodeURIComponent(email)}`);
    await expect(page.getByTestId("operation-row")).toHaveCount(1);
    await expectNoHorizontalOverflow(page);
    await screenshot(page, info, "search-phone");

    await page.goto(`/operations/${order.id}`);
    await expect(page.getByTestId("trace-id")).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await screenshot(page, info, "detail-phone");
    await expectAccessible(page);
  });

  test("the API guide renders its Markdown and shows request and response shapes", async ({ page }, info) => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, "/docs/api");
    const start = page.getByTestId("endpoint-post-/api/v1/operations");
    await expect(start.getByTestId("request-body")).toContainText("StartOperationRequest");
    await expect(start.getByTestId("request-body")).toContainText("input");
    await expect(start.getByTestId("response-202")).toContainText("statusText");
    // Backticks become code, not text.
    await expect(page.locator("article")).not.toContainText("`");
    await expect(page.locator("article code").first()).toBeVisible();
    await screenshot(page, info, "api-desktop");
    await page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page);
    await screenshot(page, info, "api-phone");
  });

  test("a workflow's runbook reads as a list, and a long bulk choice keeps its whole label", async ({
    page,
  }, info) => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, "/workflows/order.fulfill");
    const runbook = page.getByRole("heading", { name: "Runbook" }).first().locator("xpath=..");
    expect(await runbook.locator("li").count()).toBeGreaterThan(1);
    await screenshot(page, info, "workflow-desktop");
    await page.goto("/bulk");
    const action = page.getByLabel("Action");
    await expect(action).toHaveAttribute("title", "Resume (the blocking step runs again)");
    // Wide enough to show the whole choice, not only on hover.
    const fits = await action.evaluate((el: HTMLSelectElement) => {
      const style = getComputedStyle(el);
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const label = el.options[el.selectedIndex]!.text;
      // the text, the select's padding and its arrow
      return ctx.measureText(label).width + 40 <= el.clientWidth;
    });
    expect(fits, "the chosen action's label fits its select").toBe(true);
    await screenshot(page, info, "bulk-desktop");
    await page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page);
    await screenshot(page, info, "bulk-phone");
  });

  test("an unknown bulk action answers 404 at once, with no 'Loading…'", async ({ page }, info) => {
    await signIn(page, "/");
    const res = await page.goto("/bulk/00000000-0000-7000-8000-000000000000");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "No such bulk action" })).toBeVisible();
    await expect(page.getByText("Loading…")).toHaveCount(0);
    await screenshot(page, info, "bulk-unknown");
  });
});
