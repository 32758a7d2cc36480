import { expect, test } from "@playwright/test";
import { insertOperation } from "@/test/fixtures/operations";
import { db, expectAccessible, screenshot, signIn, unique } from "./support";

// Cold pages, axe scans and live waits on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

test.describe("dashboard", () => {
  test("a blocked operation shows its reason and the action required in the inbox, live", async ({
    page,
  }, info) => {
    const first = unique("ord_blocked");
    await insertOperation(db(), {
      type: "order.fulfill",
      status: "blocked",
      reference: first,
      currentStep: "create_shipment",
      blockedKind: "retries_exhausted",
      blockedReason: `Retries exhausted after 5 attempts of "Create shipment": carrier ${first} unreachable`,
      actionRequired: "Fix the cause, then resume the operation.",
      updatedAt: new Date(Date.now() - 20 * 60_000),
    });
    await signIn(page, "/");
    await expect(page.getByRole("heading", { name: "Operations overview" })).toBeVisible();
    await expect(page.getByTestId("postgres-version")).toHaveText(/PostgreSQL \d+/);
    // One group per cause; its example is the newest one's reason.
    const inbox = page
      .getByTestId("inbox-retries_exhausted")
      .filter({ hasText: `carrier ${first} unreachable` });
    await expect(inbox).toBeVisible();
    await expect(inbox).toContainText("Fix the cause, then resume the operation.");
    await expect(page.getByText("Live", { exact: true })).toBeVisible();

    // A new block appears without a reload.
    const second = unique("ord_review");
    await insertOperation(db(), {
      type: "order.fulfill",
      status: "blocked",
      reference: second,
      currentStep: "charge_payment",
      blockedKind: "awaiting_person",
      blockedReason: `High risk score for ${second}`,
      actionRequired: "Review the customer, then approve or reject.",
    });
    // The inbox changes on the next timeline event; any event will do.
    await db()`insert into events (operation_id, type, actor) select id, 'blocked', 'system' from operations where reference = ${second}`;
    await expect(
      page.getByTestId("inbox-awaiting_person").filter({ hasText: `High risk score for ${second}` }),
    ).toBeVisible({ timeout: 5_000 });
    await screenshot(page, info, "dashboard");
    await expectAccessible(page);
  });
});
