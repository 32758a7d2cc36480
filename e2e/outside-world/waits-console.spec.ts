import { type APIRequestContext, expect, test } from "@playwright/test";
import { API_KEY, expectAccessible, screenshot, signIn, unique } from "../console/support";
import { seedStaff, signInWithForm } from "../people/support";

// Cold pages and a build's first renders on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

/** A subscription: its first charge waits out a two-minute cooling-off window (a durable timer). */
async function subscription(request: APIRequestContext, reference: string): Promise<string> {
  const res = await request.post("/api/v1/operations", {
    headers: { authorization: `Bearer ${API_KEY}`, "idempotency-key": reference },
    data: {
      type: "subscription.start",
      input: {
        subscriptionId: reference,
        customerEmail: "ada@example.com",
        plan: "plus",
        amountCents: 1299,
        currency: "EUR",
      },
      subject: "ada@example.com",
      reference,
    },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return ((await res.json()) as { id: string }).id;
}

test("a support agent sees the scheduled step's wait on the detail page, read-only", async ({
  page,
  request,
}, info) => {
  const id = await subscription(request, unique("sub_support"));
  const support = await seedStaff("support");
  await signInWithForm(page, support, `/operations/${id}`);
  const wait = page.getByTestId("wait-charge_first_month");
  await expect(wait).toBeVisible();
  await expect(wait).toContainText("Scheduled for");
  await expect(wait).toContainText("timer (no worker held)");
  await expect(wait).toHaveAttribute("data-state", "waiting");
  await expect(page.getByTestId("stage-wait-charge_first_month")).toContainText("scheduled for");
  // Support reads; only operators act.
  await expect(page.getByTestId("actions-read-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Run now" })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, info, "waits-detail-desktop");

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(wait).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, info, "waits-detail-phone");
});

test("an operator runs the scheduled step now, with a reason, and the subscription completes", async ({
  page,
  request,
}) => {
  const id = await subscription(request, unique("sub_now"));
  await signIn(page, `/operations/${id}`);
  await expect(page.getByTestId("wait-charge_first_month")).toHaveAttribute("data-state", "waiting");
  await page.getByRole("button", { name: "Run now" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/reason/i).fill("The customer asked to start at once");
  await dialog.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("wait-charge_first_month")).toHaveAttribute("data-state", "completed", {
    timeout: 30_000,
  });
  await expect(page.getByText("Scheduled step run now").first()).toBeVisible({ timeout: 30_000 });
});
