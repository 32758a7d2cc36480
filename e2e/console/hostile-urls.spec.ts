import { expect, test } from "@playwright/test";
import { signIn } from "./support";

// Cold pages on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

/**
 * Issue 15 hole 3 in the console: a NUL in a page's path or search is refused by the tRPC input
 * guard (BAD_REQUEST); the pages answer it like an unknown workflow or operation, never an error page.
 */
test.describe("hostile text in console URLs", () => {
  test("a NUL in a workflow type or an operation id reads as not found", async ({ page }) => {
    await signIn(page, "/workflows");
    const workflow = await page.goto("/workflows/a%00b");
    expect(workflow?.status()).toBeLessThan(500);
    await expect(page.getByRole("heading", { name: /^No workflow/ })).toBeVisible();
    const operation = await page.goto("/operations/a%00b");
    expect(operation?.status()).toBeLessThan(500);
    await expect(page.getByRole("heading", { name: "Operation not found" })).toBeVisible();
  });
});
