import { expect, type Locator, type Page, test } from "@playwright/test";
import { insertOperation } from "@/test/fixtures/operations";
import { db, expectAccessible, screenshot, signIn, startOrder, unique } from "../console/support";

/**
 * The operator's path through an incident, counted: a payment fault blocks a batch of orders
 * (really: the payments provider fails every call until their retries run out) among older,
 * unrelated blocks; from the dashboard to a started bulk resume of exactly those orders takes
 * at most 5 interactions (clicks and typed fields). The count is printed.
 */
test.describe.configure({ timeout: 180_000 });
test.use({ viewport: { width: 1440, height: 900 } });

const ORDERS = 6;
const DAY = 86_400_000;
const PAYMENT_FAULT = "payments is temporarily unavailable";

const setPaymentsFailing = (rate: number) => db()`
  insert into sim_faults (provider, transient_error_rate) values ('payments', ${rate})
  on conflict (provider) do update set transient_error_rate = excluded.transient_error_rate`;

/** The operator inbox's groups, one per cause. */
const inboxRows = (page: Page) =>
  page.getByRole("region", { name: /^Blocked: operator inbox/ }).locator("li[data-cause]");

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

/** The blocked operations of one cause, as the database has them (its stored signature). */
async function causeMembers(cause: string): Promise<string[]> {
  const [kind, step, signature] = cause.split("~");
  const rows = await db()`select id from operations
    where status = 'blocked' and type = 'order.fulfill' and blocked_kind = ${kind!}::block_kind
      and current_step = ${step!} and block_signature = ${signature!}`;
  return rows.map((r) => r.id as string);
}

async function seedOlderBlocks(tag: string) {
  await insertOperation(db(), {
    type: "report.export",
    status: "blocked",
    reference: `${tag}_export`,
    currentStep: "render",
    blockedKind: "retries_exhausted",
    blockedReason: 'Retries exhausted after 3 attempts of "Render the report": renderer ran out of memory',
    actionRequired: "Fix the cause, then resume the operation.",
    createdAt: new Date(Date.now() - 31 * DAY),
    updatedAt: new Date(Date.now() - 30 * DAY),
  });
  await insertOperation(db(), {
    type: "order.fulfill",
    status: "blocked",
    reference: `${tag}_old_charge`,
    currentStep: "charge_payment",
    blockedKind: "retries_exhausted",
    blockedReason:
      'Retries exhausted after 5 attempts of "Charge the payment": the card issuer refused the currency',
    actionRequired: "Fix the cause, then resume the operation.",
    createdAt: new Date(Date.now() - 8 * DAY),
    updatedAt: new Date(Date.now() - 7 * DAY),
  });
}

async function blockOrdersOnPayments(page: Page, tag: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    await setPaymentsFailing(1);
    for (let i = 0; i < ORDERS; i++) {
      const order = await startOrder(page.request, {
        reference: `${tag}_${i}`,
        email: `${tag}_${i}@example.com`,
      });
      ids.push(order.id);
    }
    await expect
      .poll(
        async () =>
          (
            await db()`select count(*)::int as n from operations where id = any(${ids}::uuid[]) and status = 'blocked'`
          )[0]?.n,
        { timeout: 120_000 },
      )
      .toBe(ORDERS);
  } finally {
    await setPaymentsFailing(0);
  }
  return ids;
}

test("from the dashboard to a bulk resume of one incident's operations in at most 5 interactions", async ({
  page,
}, info) => {
  const tag = unique("inc");
  await seedOlderBlocks(tag);
  await signIn(page, "/");
  const ids = await blockOrdersOnPayments(page, tag);

  const you = new Interactions();
  await page.goto("/");
  const rows = inboxRows(page);
  const incident = rows.filter({ hasText: PAYMENT_FAULT }).filter({ hasText: "order.fulfill" });
  await expect(incident).toHaveCount(1);
  const cause = (await incident.getAttribute("data-cause"))!;
  // Newest incident first: above the week-old payment block and the month-old export.
  const causes = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-cause")));
  const oldCharge = rows.filter({ hasText: "refused the currency" });
  const oldExport = rows.filter({ hasText: "renderer ran out of memory" });
  expect(causes.indexOf(cause)).toBeLessThan(causes.indexOf(await oldCharge.getAttribute("data-cause")));
  expect(causes.indexOf(cause)).toBeLessThan(causes.indexOf(await oldExport.getAttribute("data-cause")));
  const members = await causeMembers(cause);
  expect(members).toEqual(expect.arrayContaining(ids));
  await expect(incident.getByRole("link", { name: `${members.length} operations` })).toBeVisible();
  await expect(incident).toContainText("First seen");
  await screenshot(page, info, "dashboard-inbox-by-cause");

  await you.click(incident.getByRole("link", { name: `Resume these ${members.length}` }), "Resume these N");
  await expect(page.getByRole("heading", { name: "Bulk action" })).toBeVisible();
  await expect(page.getByTestId("bulk-blocked-by")).toContainText("This one cause only");
  await expect(page.getByLabel("Workflow type")).toHaveValue("order.fulfill");
  await expect(page.getByLabel("Action")).toHaveValue("resume");
  await you.fill(
    page.getByLabel("Reason"),
    "Payments answer again after the outage; the same keys cannot charge twice.",
    "the reason",
  );
  await you.click(page.getByRole("button", { name: "Dry run" }), "Dry run");
  await expect(page.getByTestId("bulk-count")).toContainText(
    `${members.length} operations match and are frozen`,
  );
  await screenshot(page, info, "bulk-from-inbox-group");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "bulk-from-inbox-group-phone");
  await page.setViewportSize({ width: 1440, height: 900 });
  await you.fill(page.getByLabel(`Type ${members.length} to confirm`), String(members.length), "the count");
  await you.click(page.getByRole("button", { name: `Start on ${members.length} operations` }), "Start");
  await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
  const bulkId = page.url().split("/").at(-1)!;

  // Exactly that incident's operations were frozen, none of the older blocks.
  const targets = (
    await db()`select operation_id from bulk_action_targets where bulk_action_id = ${bulkId}`
  ).map((r) => r.operation_id as string);
  expect(targets.sort()).toEqual([...members].sort());
  const [bulk] = await db()`select status, filter from bulk_actions where id = ${bulkId}`;
  expect(bulk?.status).not.toBe("dry_run");
  expect(bulk?.filter).toMatchObject({ cause, workflowType: "order.fulfill" });

  console.log(`incident path: ${you.count} interactions (${you.log.join(", ")})`);
  info.annotations.push({ type: "interactions", description: `${you.count}: ${you.log.join(", ")}` });
  expect(you.count).toBeLessThanOrEqual(5);

  // And the resume did what it says: the orders complete (the fault is gone).
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

test("an inbox group's count opens exactly its operations, with a way to resume them", async ({
  page,
}, info) => {
  const tag = unique("grp");
  for (let i = 0; i < 3; i++) {
    await insertOperation(db(), {
      type: "order.fulfill",
      status: "blocked",
      reference: `${tag}_${i}`,
      currentStep: "create_shipment",
      blockedKind: "retries_exhausted",
      blockedReason: `Retries exhausted after 5 attempts of "Create shipment": carrier ${tag}${i} is down for maintenance`,
      actionRequired: "Fix the cause, then resume the operation.",
    });
  }
  await signIn(page, "/");
  const row = inboxRows(page).filter({ hasText: "is down for maintenance" });
  // The live dashboard above (alerts, counts) can shift the inbox under a click: click again
  // until the page has gone to the group's list.
  await expect(async () => {
    await row.getByRole("link", { name: /operations?$/ }).click();
    await expect(page).toHaveURL(/\/inbox\?type=order.fulfill&cause=/, { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Retries exhausted at create_shipment");
  const list = page.getByRole("region", { name: "Operations, newest blocked first" });
  for (let i = 0; i < 3; i++) await expect(list.getByRole("link", { name: `${tag}_${i}` })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Resume these \d+$/ })).toHaveAttribute("href", /cause=/);
  await screenshot(page, info, "inbox-cause-list");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "inbox-cause-list-phone");
  await page.goto("/");
  await screenshot(page, info, "dashboard-phone");

  // Any filtered search starts a bulk action on what it shows.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/operations?type=order.fulfill&status=blocked");
  const bulk = page.getByRole("link", { name: "Act on these in bulk →" });
  await expect(bulk).toHaveAttribute("href", "/bulk?type=order.fulfill&status=blocked");
  await screenshot(page, info, "search-bulk-link");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "search-bulk-link-phone");

  // A search by text (here the references' start) carries its text: the dry run freezes what it found.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/operations?${new URLSearchParams({ q: tag, type: "order.fulfill", status: "blocked" })}`);
  await page.getByRole("link", { name: "Act on these in bulk →" }).click();
  await expect(page.getByTestId("bulk-search-text")).toContainText(tag);
  await page.getByLabel("Reason").fill("Resume what the search found");
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("bulk-count")).toContainText("3 operations match and are frozen");
  await screenshot(page, info, "bulk-from-text-search");
});
