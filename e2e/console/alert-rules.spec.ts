import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, db, expectAccessible, screenshot, signIn, unique } from "./support";

/**
 * The alert rules page (issue 11): from the Alerts page an admin opens the rules, changes the
 * stuck threshold of order.fulfill with a reason (a threshold out of bounds is refused first,
 * with the bounds in words), sees it as an override with who and why beside the default, and
 * resets it to the default with a reason. Both changes are audited.
 */
test.use({ viewport: { width: 1440, height: 900 } });

test("an admin overrides the stuck threshold of one type with a reason, sees it as override, resets it", async ({
  page,
}, info) => {
  const tag = unique("rules");
  await db()`delete from alert_rule_overrides where rule = 'stuck' and workflow_type = 'order.fulfill'`;

  await signIn(page, "/alerts");
  await page.getByRole("link", { name: "Rules and thresholds" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Alert rules" })).toBeVisible();
  const row = page.locator('section[aria-labelledby="rules-order-fulfill-heading"] tr[data-rule="stuck"]');
  await expect(row).toContainText("Stuck work");
  await expect(row).toContainText("default");

  await row.getByRole("button", { name: "Change Stuck work for order.fulfill" }).click();
  const dialog = page.getByRole("dialog", { name: "Change Stuck work for order.fulfill" });
  await dialog.getByLabel("Threshold").fill("0.5");
  await dialog.getByLabel("Unit").selectOption({ label: "seconds" });
  await dialog.getByLabel("Reason").fill(`Tighter for the peak (${tag})`);
  await dialog.getByRole("button", { name: "Save override" }).click();
  await expect(dialog.getByRole("alert")).toContainText("from 1 s to 21 days");
  await screenshot(page, info, "alert-rules-refused");
  expect(await db()`select 1 from alert_rule_overrides where workflow_type = 'order.fulfill'`).toHaveLength(
    0,
  );

  await dialog.getByLabel("Threshold").fill("45");
  await dialog.getByLabel("Unit").selectOption({ label: "minutes" });
  await dialog.getByRole("button", { name: "Save override" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("45 min");
  await expect(row).toContainText("override");
  await expect(row).toContainText(ADMIN_EMAIL);
  await expect(row).toContainText(`Tighter for the peak (${tag})`);
  const [saved] = await db()`select threshold from alert_rule_overrides
    where rule = 'stuck' and workflow_type = 'order.fulfill'`;
  expect(saved?.threshold).toBe(45 * 60_000);

  await screenshot(page, info, "alert-rules");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "alert-rules-phone");
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scroll, "no sideways scroll of the page at 390 px").toBeLessThanOrEqual(viewport);
  await page.setViewportSize({ width: 1440, height: 900 });

  await row.getByRole("button", { name: "Reset to default Stuck work for order.fulfill" }).click();
  const reset = page.getByRole("dialog", { name: "Reset Stuck work for order.fulfill" });
  await reset.getByLabel("Reason").fill(`Peak is over (${tag})`);
  await reset.getByRole("button", { name: "Reset to default" }).click();
  await expect(reset).toBeHidden();
  await expect(row).toContainText("default");
  await expect(row).not.toContainText("override");
  await expect(row).not.toContainText("45 min");

  const audit = await db()`select action::text, reason from audit_records
    where action in ('alert_rule_changed', 'alert_rule_reset') and reason like ${`%${tag}%`} order by seq`;
  expect(audit.map((a) => [a.action, a.reason])).toEqual([
    ["alert_rule_changed", `Tighter for the peak (${tag})`],
    ["alert_rule_reset", `Peak is over (${tag})`],
  ]);
});
