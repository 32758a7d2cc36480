import { expect, test } from "@playwright/test";
import { API_KEY, db, expectAccessible, screenshot, signIn, unique } from "./support";

/**
 * The confirmation dialogs say before the click what the action will do, read from the plan
 * and the workflow: skipping "Reserve stock" of an unknown item warns that it guards the
 * charge and the shipment and lists the steps that then run; cancelling lists what is undone
 * and what will not run. Compensate is not offered beside Cancel (they would be the same).
 */
test.describe.configure({ timeout: 120_000 });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

test("skip and cancel show their consequences before the click", async ({ page, request }, info) => {
  const orderId = unique("ord_skip");
  const res = await request.post("/api/v1/operations", {
    headers: { authorization: `Bearer ${API_KEY}`, "idempotency-key": orderId },
    data: {
      type: "order.fulfill",
      input: {
        orderId,
        customerEmail: "skip@example.com",
        items: [{ sku: unique("NO-SUCH").toUpperCase(), quantity: 1 }],
        amountCents: 999,
      },
      reference: orderId,
    },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => (await db()`select status from operations where id = ${id}`)[0]?.status, {
      timeout: 30_000,
    })
    .toBe("blocked");

  await page.setViewportSize(DESKTOP);
  await signIn(page, `/operations/${id}`);
  await expect(page.getByRole("button", { name: "Cancel operation" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Compensate/ })).toHaveCount(0);

  await page.getByRole("button", { name: "Skip step…" }).click();
  const skip = page.getByRole("dialog");
  await expect(skip.getByRole("alert")).toHaveText(
    /^This step guards the steps after it: that every item exists and is in stock; skipped, the customer is charged/,
  );
  await expect(skip.getByTestId("action-consequences")).toContainText(
    "Then these run, on the output you supply: Charge payment → Create shipment → Email confirmation.",
  );
  await screenshot(page, info, "skip-dialog-desktop");
  await expectAccessible(page);
  await page.setViewportSize(PHONE);
  await screenshot(page, info, "skip-dialog-phone");
  await page.keyboard.press("Escape");
  await expect(skip).toHaveCount(0);

  await page.setViewportSize(DESKTOP);
  await page.getByRole("button", { name: "Cancel operation" }).click();
  const cancel = page.getByRole("dialog");
  const consequences = cancel.getByTestId("action-consequences");
  await expect(consequences).toContainText("Will be undone:");
  await expect(consequences).toContainText("Nothing: no completed step has an undo.");
  await expect(consequences).toContainText(
    "Will not run: Reserve stock, Charge payment, Create shipment, Email confirmation.",
  );
  await screenshot(page, info, "cancel-dialog-desktop");
  await page.setViewportSize(PHONE);
  await screenshot(page, info, "cancel-dialog-phone");
});
