import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./support";

// Cold pages, axe scans and live waits on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

test.describe("workflows and sandbox", () => {
  test("the workflows list and an execution story read from the definition", async ({ page }, info) => {
    await signIn(page, "/workflows");
    await expect(page.getByRole("heading", { level: 1, name: "Workflows" })).toBeVisible();
    // demo.noop is the one type that opts into a synthetic check: its row shows the check's runs.
    await expect(page.getByTestId("synthetic-runs")).toHaveCount(1);
    await screenshot(page, info, "workflows");
    await expectAccessible(page);
    await page.getByRole("link", { name: "Fulfil an order" }).click();
    await expect(page.getByRole("heading", { name: /Execution story · version 1/ })).toBeVisible();
    await expect(page.getByText("End user reads: “Taking payment…”")).toBeVisible();
    await screenshot(page, info, "workflow-story");
    await expectAccessible(page);
  });

  test("the sandbox changes a provider's faults and puts them back", async ({ page }, info) => {
    await signIn(page, "/sandbox");
    // The provider's own panel (the page's Faults section holds every provider's).
    const carrier = page.getByRole("region", { name: "carrier", exact: true });
    await carrier.getByLabel("Added latency").fill("300");
    await carrier.getByRole("button", { name: "Apply" }).click();
    await expect(carrier.getByText("faults on")).toBeVisible();
    await screenshot(page, info, "sandbox");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Make every provider behave again" }).click();
    await expect(carrier.getByText("healthy")).toBeVisible();
  });
});
