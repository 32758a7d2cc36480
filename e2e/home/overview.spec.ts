import { expect, test } from "@playwright/test";

test.describe("home", () => {
  test("shows the operations overview and the PostgreSQL it runs on", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Operations overview" })).toBeVisible();
    await expect(page.getByTestId("postgres-version")).toHaveText(/PostgreSQL \d+/);
  });
});
