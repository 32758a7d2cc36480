import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { API_KEY, db, expectAccessible, screenshot, signIn, startOrder, unique } from "./support";

/**
 * The sandbox's controls that the order runbook names: Restock continues an order blocked on
 * stock by itself (no resume), Cancel order in the shop fails a blocked order.
 */
test.describe.configure({ timeout: 120_000 });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

const statusOf = async (id: string) =>
  (await db()<{ status: string }[]>`select status from operations where id = ${id}`)[0]?.status;

/** An order for one unit of a SKU the warehouse knows but has none of: it blocks on stock. */
async function blockedOrder(
  request: APIRequestContext,
): Promise<{ id: string; orderId: string; sku: string }> {
  const sku = unique("E2E-SBX").toUpperCase();
  const orderId = unique("ord_sbx");
  await db()`insert into sim_stock (sku, title, on_hand) values (${sku}, ${sku}, 0)`;
  const res = await request.post("/api/v1/operations", {
    headers: { authorization: `Bearer ${API_KEY}`, "idempotency-key": orderId },
    data: {
      type: "order.fulfill",
      input: { orderId, customerEmail: "sbx@example.com", items: [{ sku, quantity: 1 }], amountCents: 999 },
      reference: orderId,
    },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  const { id } = (await res.json()) as { id: string };
  await expect.poll(() => statusOf(id), { timeout: 30_000 }).toBe("blocked");
  return { id, orderId, sku };
}

const form = (page: Page, name: string) => page.getByRole("form", { name });

test("Restock on the sandbox page continues an order blocked on stock, with no resume", async ({
  page,
  request,
}, info) => {
  const order = await blockedOrder(request);
  await page.setViewportSize(DESKTOP);
  await signIn(page, "/sandbox");
  const restock = form(page, "Restock");
  await restock.getByLabel("SKU").fill(order.sku);
  await restock.getByLabel("Quantity").fill("3");
  await restock.getByRole("button", { name: "Restock" }).click();
  // Every order blocked on stock is asked (others may be blocked too): at least this one.
  await expect(restock.getByRole("status")).toHaveText(
    new RegExp(
      `^Put 3 × ${order.sku} on the shelf\\. \\d+ blocked operations? (was|were) asked to check again now\\.$`,
    ),
  );
  await expect.poll(() => statusOf(order.id), { timeout: 30_000 }).toBe("completed");
  await screenshot(page, info, "sandbox-desktop");
  await expectAccessible(page);
  await page.setViewportSize(PHONE);
  await screenshot(page, info, "sandbox-phone");
  await page.setViewportSize(DESKTOP);
});

test("Cancel order in the shop fails a blocked order (its stock never reserved)", async ({
  page,
  request,
}) => {
  const order = await blockedOrder(request);
  await signIn(page, "/sandbox");
  const cancel = form(page, "Cancel order in the shop");
  await cancel.getByLabel("Order id").fill(order.orderId);
  await cancel.getByRole("button", { name: "Cancel order in the shop" }).click();
  await expect(cancel.getByRole("status")).toHaveText(
    new RegExp(
      `^The shop cancelled ${order.orderId}\\. \\d+ blocked operations? (was|were) asked to check again now\\.$`,
    ),
  );
  await expect.poll(() => statusOf(order.id), { timeout: 30_000 }).toBe("failed");
});

test("Waiting for an acknowledgment: a person answers for a carrier that never does, and the order completes", async ({
  page,
  request,
}, info) => {
  await page.setViewportSize(DESKTOP);
  await signIn(page, "/sandbox");
  try {
    // The carrier stops answering (the control the runbook names), so the order waits for a person.
    const carrier = form(page, "Carrier callback");
    await carrier.getByLabel("The carrier").selectOption("never");
    await carrier.getByRole("button", { name: "Apply" }).click();
    await expect(carrier.getByRole("status")).toContainText("Applied");
    const orderId = unique("ord_ack");
    const { id } = await startOrder(request, { reference: orderId, email: "ack@example.com" });

    // It shows up as waiting for the carrier, with since and deadline.
    const row = page.locator("tr", { hasText: orderId });
    await expect(row).toBeVisible({ timeout: 30_000 });
    await expect(row).toContainText("Waiting for the carrier to confirm pickup");
    await expect(row).toContainText("Create shipment");
    expect(await statusOf(id)).toBe("processing");
    await row.getByRole("button", { name: /^Answer for carrier/ }).click();

    // The payload starts as the confirmation the carrier would send for its booking.
    const answer = form(page, "Answer as carrier");
    await expect(answer.getByLabel("Payload (JSON)")).toHaveValue(/"pickupRef": "PU-/);
    await screenshot(page, info, "sandbox-waits-desktop");
    await answer.getByRole("button", { name: "Send" }).click();
    await expect(answer.getByRole("status")).toHaveText(/^Accepted:/);
    await expect.poll(() => statusOf(id), { timeout: 30_000 }).toBe("completed");

    // The same acknowledgment again is answered from the first: nothing completes twice.
    await answer.getByRole("button", { name: "Send" }).click();
    await expect(answer.getByRole("status")).toHaveText(/^Answered as a duplicate/);
    const [audit] = await db()<{ n: number }[]>`
      select count(*)::int as n from audit_records
      where operation_id = ${id} and action = 'sandbox_acknowledgment_sent'`;
    expect(audit!.n).toBe(2);
    await expectAccessible(page);
    await page.setViewportSize(PHONE);
    await screenshot(page, info, "sandbox-waits-phone");
    await page.setViewportSize(DESKTOP);
  } finally {
    // Back to a carrier that confirms by itself, for the specs after this one.
    await db()`update sim_callback_settings set mode = 'confirm', delay_ms = 300`;
  }
});

test("Scheduled steps and waits on a phone: every row readable with nothing sideways; Run now with a reason", async ({
  page,
  request,
}, info) => {
  await page.setViewportSize(DESKTOP);
  await signIn(page, "/sandbox");
  try {
    // An order left waiting for the carrier, and a subscription in its cooling-off window.
    await db()`update sim_callback_settings set mode = 'never'`;
    const orderId = unique("ord_phone");
    await startOrder(request, { reference: orderId, email: "phone@example.com" });
    const subscriptionId = unique("sub_sbx");
    const sub = await request.post("/api/v1/operations", {
      headers: { authorization: `Bearer ${API_KEY}`, "idempotency-key": subscriptionId },
      data: {
        type: "subscription.start",
        input: {
          subscriptionId,
          customerEmail: "phone@example.com",
          plan: "plus",
          amountCents: 1299,
          currency: "EUR",
        },
        reference: subscriptionId,
      },
    });
    expect(sub.status(), await sub.text()).toBeLessThan(300);
    const { id: subId } = (await sub.json()) as { id: string };

    const waits = page.getByRole("region", { name: "Waiting for an acknowledgment" });
    const timers = page.getByRole("region", { name: "Scheduled steps" });
    const waitRow = page.locator("tr", { hasText: orderId });
    const timerRow = page.locator("tr", { hasText: subscriptionId });
    await expect(waitRow).toBeVisible({ timeout: 30_000 });
    await expect(timerRow).toBeVisible({ timeout: 30_000 });
    await expect(timerRow).toContainText("cooling-off window");
    await expect(timerRow.locator("time")).toHaveText(/^in \d+ (seconds?|minutes?)$/);
    await screenshot(page, info, "sandbox-waits-timers-desktop");

    await page.setViewportSize(PHONE);
    await expect(waitRow).toBeVisible();
    await expect(timerRow).toBeVisible();
    // Stacked: the header is hidden and each cell says what it is.
    await expect(waitRow).toContainText("Deadline");
    await expect(timerRow).toContainText("Due");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    for (const panel of [waits, timers]) {
      const table = panel.locator("table").first();
      const sideways = await table.evaluate(
        (t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth,
      );
      expect(sideways).toBe(0);
    }
    await screenshot(page, info, "sandbox-waits-timers-phone");
    await expectAccessible(page);

    // Run now, from the phone, with a reason: the subscription charges at once and completes.
    await timerRow.getByRole("button", { name: /^Run now/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/reason/i).fill("A drill should not wait out the window");
    await dialog.getByRole("button", { name: "Run now" }).click();
    await expect(timers.getByRole("status")).toContainText("runs now");
    await expect.poll(() => statusOf(subId), { timeout: 30_000 }).toBe("completed");
    await expect(timerRow).toHaveCount(0);
    const [audit] = await db()<{ n: number }[]>`
      select count(*)::int as n from audit_records where operation_id = ${subId} and action = 'timer_run_now'`;
    expect(audit!.n).toBe(1);

    // The order is answered as the carrier would, so it does not wait for its deadline.
    await page.setViewportSize(DESKTOP);
    await waitRow.getByRole("button", { name: /^Answer for carrier/ }).click();
    const answer = form(page, "Answer as carrier");
    await answer.getByRole("button", { name: "Send" }).click();
    await expect(answer.getByRole("status")).toHaveText(/^Accepted:/);
  } finally {
    await db()`update sim_callback_settings set mode = 'confirm', delay_ms = 300`;
  }
});
