import { expect, type Page, test } from "@playwright/test";
import { API_KEY, expectAccessible, screenshot, signIn, unique } from "../console/support";
import { seedStaff, signInWithForm } from "../people/support";

// Cold pages, axe scans and live waits on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

const address = {
  recipient: "Ada Lovelace",
  street: "12 St James's Square",
  postalCode: "SW1Y 4JH",
  city: "London",
  country: "GB",
};

/** A flagged order (the risk check's `+highrisk` demo address) naming where it goes. */
async function flaggedOrder(request: import("@playwright/test").APIRequestContext, reference: string) {
  const res = await request.post("/api/v1/operations", {
    headers: { authorization: `Bearer ${API_KEY}`, "idempotency-key": reference },
    data: {
      type: "order.fulfill",
      input: {
        orderId: reference,
        customerEmail: "ada+highrisk@example.com",
        items: [{ sku: "BOOK-42", quantity: 1 }],
        amountCents: 2599,
        currency: "EUR",
        shippingAddress: address,
      },
      subject: "ada+highrisk@example.com",
      reference,
    },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as { id: string; links: { track: string } };
}

async function fill(page: Page) {
  await page.getByLabel("Full name").fill(address.recipient);
  await page.getByLabel("Street and number").fill(address.street);
  await page.getByLabel("Postcode").fill(address.postalCode);
  await page.getByLabel("Town or city").fill(address.city);
  await page.getByLabel("Country code").fill("gb");
}

test.describe("an end user on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("confirms the address on the track page and watches the order complete, live; support sees the wait", async ({
    page,
    browser,
    request,
  }, info) => {
    const order = await flaggedOrder(request, unique("ord_confirm"));
    const phone = page;
    // A support agent at a desk has the order's page open meanwhile (a context of their own).
    const desk = await browser.newContext({
      baseURL: info.project.use.baseURL,
      viewport: { width: 1440, height: 900 },
    });
    const staff = await desk.newPage();
    await signInWithForm(staff, await seedStaff("support"), `/operations/${order.id}`);
    const note = staff.getByTestId("end-user-wait");
    await expect(note).toContainText("Waiting for the customer to confirm the delivery address");
    await expect(note).toContainText(/Since .*ago/);
    // Support reads; answering for the customer is an operator's.
    await expect(note.getByRole("button", { name: "Answer for the customer…" })).toHaveCount(0);

    await phone.goto(order.links.track);
    await expect(phone.getByTestId("track-headline")).toContainText(
      "Action needed: confirm your delivery address",
    );
    const form = phone.getByTestId("end-user-form");
    await expect(form.getByRole("heading", { name: "Confirm your delivery address" })).toBeVisible();
    await expect(phone.locator('[data-stage-state="attention"]')).toContainText("Taking payment");
    // Nothing sideways on a phone, and no serious accessibility finding with the form open.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(phone);
    await screenshot(phone, info, "track-action-phone");

    // A field left out is refused under its field, nothing changes.
    await fill(phone);
    await phone.getByLabel("Country code").fill("Britain");
    await form.getByRole("button", { name: "Confirm address" }).click();
    await expect(phone.locator("#answer-country-error")).toHaveText("Two letters, e.g. DE or GB.");
    await expect(phone.getByTestId("track-headline")).toContainText("Action needed");

    await phone.getByLabel("Country code").fill("gb");
    await form.getByRole("button", { name: "Confirm address" }).click();
    // Live, without a reload: the page follows the order to its end.
    await expect(phone.getByTestId("track-headline")).toHaveText("Your order is on its way.", {
      timeout: 60_000,
    });
    await expect(phone.getByTestId("end-user-form")).toHaveCount(0);
    await screenshot(phone, info, "track-completed-phone");

    // The agent's page followed too: the customer's wait is gone, the carrier's was answered.
    await expect(staff.getByTestId("end-user-wait")).toHaveCount(0);
    await expect(staff.getByTestId("wait-create_shipment")).toHaveAttribute("data-state", "completed");
    await expect(staff.getByTestId("stage-send_confirmation")).toHaveAttribute("data-status", "succeeded");
    await screenshot(staff, info, "detail-after-customer-desktop");
    await desk.close();
  });
});

test.describe("the outside world at desktop size", () => {
  test("the track page with the form at desktop size", async ({ page, request }, info) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const order = await flaggedOrder(request, unique("ord_confirm_desk"));
    await page.goto(order.links.track);
    await expect(page.getByTestId("end-user-form")).toBeVisible();
    await screenshot(page, info, "track-action-desktop");
  });

  test("a support agent sees the wait for the customer; an operator answers for them with a reason", async ({
    page,
    request,
  }, info) => {
    const order = await flaggedOrder(request, unique("ord_confirm_staff"));
    await signIn(page, `/operations/${order.id}`);
    const note = page.getByTestId("end-user-wait");
    await expect(note).toContainText("Waiting for the customer to confirm the delivery address");
    await expect(note).toContainText(/Since .*ago/);
    await expect(
      page.getByRole("note").filter({ hasText: "Blocked: Waiting for the customer" }),
    ).toBeVisible();
    await screenshot(page, info, "detail-waiting-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, info, "detail-waiting-phone");
    await page.setViewportSize({ width: 1440, height: 900 });

    await note.getByRole("button", { name: "Answer for the customer…" }).click();
    const dialog = page.getByRole("dialog", { name: /for the customer/ });
    await fill(page);
    await dialog.getByLabel("Reason").fill("The customer confirmed the address on the phone.");
    await screenshot(page, info, "detail-answer-dialog");
    await dialog.getByRole("button", { name: "Confirm address" }).click();
    await expect(page.getByText("Answered for the customer: the operation goes on.")).toBeVisible();
    await expect(page.getByTestId("end-user-wait")).toHaveCount(0);
    await expect(page.getByText("Answered for the customer").first()).toBeVisible();
  });
});
