import { expect, test } from "@playwright/test";
import { expectAccessible, pressSearchShortcut, screenshot, signIn, startOrder, unique } from "./support";

// Cold pages, axe scans and live waits on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

test.describe("support search", () => {
  test("a support agent finds an order by its reference and by the customer's email", async ({
    page,
    request,
  }, info) => {
    const reference = unique("ord");
    const email = `${unique("cust")}@example.com`;
    const order = await startOrder(request, { reference, email });
    await signIn(page, "/operations");

    const box = page.getByRole("searchbox", { name: "Search operations" });
    await box.fill(reference);
    await box.press("Enter");
    await expect(page).toHaveURL(new RegExp(`q=${reference}`));
    const rows = page.getByTestId("operation-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(reference);

    // The customer's email, typed in another case, finds the same order.
    await box.fill(email.toUpperCase());
    await box.press("Enter");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(email);
    await expect(rows.first()).toContainText("matched by customer");
    await screenshot(page, info, "operations-search");
    await expectAccessible(page);

    await rows.first().getByRole("link", { name: reference }).click();
    await expect(page).toHaveURL(`/operations/${order.id}`);
    await expect(page.getByRole("heading", { level: 1, name: reference })).toBeVisible();
  });

  test("keeps every filter in the link, and says so when nothing matches", async ({ page }, info) => {
    await signIn(page, "/operations?status=failed&type=order.fulfill&q=no-such-thing-anywhere");
    await expect(page.getByRole("searchbox", { name: "Search operations" })).toHaveValue(
      "no-such-thing-anywhere",
    );
    await expect(page.getByRole("button", { name: "failed", pressed: true })).toBeVisible();
    await expect(page.getByText(/No operation matches/)).toBeVisible();
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await pressSearchShortcut(page);
    await expect(page.getByRole("searchbox", { name: "Search operations" })).toBeFocused();
    await screenshot(page, info, "operations-empty");
    await expectAccessible(page);
  });
});
