import { expect, test } from "@playwright/test";
import { v7 as uuidv7 } from "uuid";
import { expectAccessible, screenshot, signIn } from "./support";

// Cold pages and axe scans on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });
test.use({ viewport: { width: 1440, height: 900 } });

test.describe("pages for what does not exist answer 404", () => {
  test("an unknown operation: 404 over HTTP, with its id and a way to search", async ({ page }, info) => {
    await signIn(page, "/");
    const id = uuidv7();
    const res = await page.goto(`/operations/${id}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Operation not found" })).toBeVisible();
    await expect(page.getByText(`There is no operation ${id}.`)).toBeVisible();
    await expect(page.getByRole("link", { name: "Search for it" })).toHaveAttribute(
      "href",
      `/operations?q=${id}`,
    );
    // Not an id at all reads the same way.
    expect((await page.request.get("/operations/not-an-id")).status()).toBe(404);
    await screenshot(page, info, "operation-not-found");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, info, "operation-not-found-phone");
    await expectAccessible(page);
  });

  test("a track link that is not valid: 404 over HTTP, with the helpful text", async ({
    page,
    request,
  }, info) => {
    for (const token of ["not-a-token", "AAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"]) {
      const res = await request.get(`/track/${token}`);
      expect(res.status()).toBe(404);
      expect(await res.text()).toContain("This link is not valid");
    }
    const res = await page.goto("/track/not-a-token");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This link is not valid" })).toBeVisible();
    await expect(page.getByText(/links to follow a request work for 30 days/)).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await screenshot(page, info, "track-not-valid");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, info, "track-not-valid-phone");
    await expectAccessible(page);
  });
});
