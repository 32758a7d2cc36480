import { expect, type Locator, type Page, test } from "@playwright/test";
import { db, expectAccessible, screenshot, signIn, startOrder, unique } from "./support";

/**
 * A "retries exhausted" alert from real work: the carrier fails every call until the orders'
 * create_shipment attempts run out; the worker's evaluator (every 15 s) fires the alert and
 * open consoles show it without a reload. The operator opens it (history, affected
 * operations, runbook), acknowledges it with a note, and then — counted — goes from the
 * dashboard's alert to a started bulk resume of the affected operations. The count is printed.
 */
test.describe.configure({ timeout: 240_000 });
test.use({ viewport: { width: 1440, height: 900 } });

const ORDERS = 3;

const setCarrierFailing = (rate: number) => db()`
  insert into sim_faults (provider, transient_error_rate) values ('carrier', ${rate})
  on conflict (provider) do update set transient_error_rate = excluded.transient_error_rate`;

/** A console Panel by its id (the section is labelled by its `${id}-heading`). */
const panelOf = (page: Page, id: string) => page.locator(`section[aria-labelledby="${id}-heading"]`);

/** Clicks and typed fields, as a person makes them. */
class Interactions {
  count = 0;
  readonly log: string[] = [];
  async click(target: Locator, what: string) {
    await target.click();
    this.log.push(`click ${what}`);
    this.count++;
  }
  async fill(target: Locator, text: string, what: string) {
    await target.fill(text);
    this.log.push(`type ${what}`);
    this.count++;
  }
}

test("a retries-exhausted alert: live on the dashboard, acknowledged with a note, bulk-resumed in at most 5 interactions", async ({
  page,
}, info) => {
  const tag = unique("alert");
  // The dashboard is open before anything fails: the alert must arrive on it live.
  await signIn(page, "/");
  const panel = panelOf(page, "dashboard-alerts");
  await expect(panel).toBeVisible();
  const ids: string[] = [];
  try {
    await setCarrierFailing(1);
    for (let i = 0; i < ORDERS; i++)
      ids.push(
        (await startOrder(page.request, { reference: `${tag}_${i}`, email: `${tag}_${i}@example.com` })).id,
      );
    await expect
      .poll(
        async () =>
          (
            await db()`select count(*)::int as n from operations
              where id = any(${ids}::uuid[]) and status = 'blocked' and blocked_kind = 'retries_exhausted'`
          )[0]?.n,
        { timeout: 120_000 },
      )
      .toBe(ORDERS);
  } finally {
    await setCarrierFailing(0);
  }

  // Fired by the worker's own evaluation, shown without a reload.
  const item = panel.locator("li").filter({ hasText: "Retries exhausted · order.fulfill" });
  await expect(item).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("nav-alert-count")).toBeVisible({ timeout: 20_000 });
  await screenshot(page, info, "dashboard-alert");

  // Open it: what holds, the operations it names (ours among the oldest), the runbook.
  await item.getByRole("link", { name: /Retries exhausted/ }).click();
  await expect(page).toHaveURL(/\/alerts\/[0-9a-f-]{36}$/);
  const alertId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Retries exhausted");
  const affected = panelOf(page, "alert-affected");
  await expect(affected.getByRole("link", { name: /alert_/ }).first()).toBeVisible();
  await expect(panelOf(page, "alert-runbook")).not.toBeEmpty();
  await expect(affected.getByRole("link", { name: "Act on these operations" })).toHaveAttribute(
    "href",
    "/bulk?type=order.fulfill&status=blocked&kind=retries_exhausted&action=resume",
  );
  await screenshot(page, info, "alert-detail");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "alert-detail-phone");
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByRole("button", { name: "Acknowledge" }).click();
  const dialog = page.getByRole("dialog", { name: "Acknowledge this alert" });
  const note = `Carrier outage ${tag}: resuming once it answers again.`;
  await dialog.getByLabel("Reason").fill(note);
  await dialog.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("acknowledged");
  await expect(panelOf(page, "alert-history")).toContainText(note);
  const [row] = await db()`select state, acknowledge_note from alerts where id = ${alertId}`;
  expect(row).toMatchObject({ state: "acknowledged", acknowledge_note: note });
  const [audit] = await db()`select count(*)::int as n from audit_records where action = 'alert_acknowledged'
    and details->>'alertId' = ${alertId}`;
  expect(audit?.n).toBe(1);

  // The list, filtered in the URL.
  await page.goto("/alerts?state=acknowledged&rule=retries_exhausted");
  await expect(panelOf(page, "alerts-open").locator("li").filter({ hasText: "order.fulfill" })).toBeVisible();
  await screenshot(page, info, "alerts-list");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "alerts-list-phone");
  await page.goto("/");
  await screenshot(page, info, "dashboard-alert-phone");
  await page.setViewportSize({ width: 1440, height: 900 });

  // Counted: from the alert on the dashboard to a started bulk resume of its operations.
  const you = new Interactions();
  await page.goto("/");
  const acked = panelOf(page, "dashboard-alerts")
    .locator("li")
    .filter({ hasText: "Retries exhausted · order.fulfill" });
  await you.click(acked.getByRole("link", { name: /^Resume these \d/ }), "Resume these N");
  await expect(page.getByRole("heading", { name: "Bulk action" })).toBeVisible();
  await expect(page.getByLabel("Workflow type")).toHaveValue("order.fulfill");
  await expect(page.getByLabel("Action")).toHaveValue("resume");
  await you.fill(
    page.getByLabel("Reason"),
    "The carrier answers again; shipments are idempotent.",
    "the reason",
  );
  await you.click(page.getByRole("button", { name: "Dry run" }), "Dry run");
  const confirm = page.getByLabel(/^Type \d+ to confirm$/);
  await expect(confirm).toBeVisible();
  const count = (await page.getByTestId("bulk-count").innerText()).match(/(\d+) operations? match/)?.[1];
  expect(Number(count)).toBeGreaterThanOrEqual(ORDERS);
  await you.fill(confirm, count!, "the count");
  await you.click(page.getByRole("button", { name: `Start on ${count} operations` }), "Start");
  await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
  const bulkId = page.url().split("/").at(-1)!;
  const targets = (
    await db()`select operation_id from bulk_action_targets where bulk_action_id = ${bulkId}`
  ).map((r) => r.operation_id as string);
  expect(targets).toEqual(expect.arrayContaining(ids));

  console.log(`alert path: ${you.count} interactions (${you.log.join(", ")})`);
  info.annotations.push({ type: "interactions", description: `${you.count}: ${you.log.join(", ")}` });
  expect(you.count).toBeLessThanOrEqual(5);

  // The resume did what it says: our orders complete, and the alert resolves by itself.
  await expect
    .poll(
      async () =>
        (
          await db()`select count(*)::int as n from operations where id = any(${ids}::uuid[]) and status = 'completed'`
        )[0]?.n,
      { timeout: 120_000 },
    )
    .toBe(ORDERS);
});
