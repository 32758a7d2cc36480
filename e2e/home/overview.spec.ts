import { expect, test } from "@playwright/test";
import { signIn } from "../console/support";

test.describe("home", () => {
  test("shows the operations overview and the PostgreSQL it runs on", async ({ page }) => {
    await signIn(page, "/");
    await expect(page.getByRole("heading", { name: "Operations overview" })).toBeVisible();
    await expect(page.getByTestId("postgres-version")).toHaveText(/PostgreSQL \d+/);
  });
});
