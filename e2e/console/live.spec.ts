import { expect, type Page, test } from "@playwright/test";
import { createTrackToken } from "@/server/auth/track-token";
import { insertEvents, insertOperation } from "@/test/fixtures/operations";
import { appSecret, db, expectAccessible, screenshot, signIn, startOrder, unique } from "./support";

const STEPS = ["reserve_stock", "charge_payment", "create_shipment", "send_confirmation"];

/**
 * Moves an operation the way the engine commits it — step rows, operation row and timeline
 * event in one transaction — so the pages can be watched at each stage without waiting
 * on real providers.
 */
async function commitStep(id: string, index: number, outcome: "started" | "succeeded") {
  const step = STEPS[index]!;
  const last = index === STEPS.length - 1;
  await db().begin(async (tx) => {
    if (outcome === "started") {
      await tx`update steps set status = 'running', attempts = attempts + 1, started_at = now() where operation_id = ${id} and name = ${step}`;
      await tx`update operations set status = 'processing', current_step = ${step}, updated_at = clock_timestamp() where id = ${id}`;
      await tx`insert into events (operation_id, type, step, actor, data) values (${id}, 'step_started', ${step}, 'worker:e2e', ${JSON.stringify({ attempt: 1 })}::text::jsonb)`;
    } else {
      await tx`update steps set status = 'succeeded', finished_at = now() where operation_id = ${id} and name = ${step}`;
      await tx`update operations set current_step = ${last ? null : STEPS[index + 1]!}, updated_at = clock_timestamp(),
                 status = ${last ? "completed" : "processing"}, completed_at = ${last ? new Date().toISOString() : null}::timestamptz
               where id = ${id}`;
      await tx`insert into events (operation_id, type, step, actor, data) values (${id}, 'step_succeeded', ${step}, 'worker:e2e', ${JSON.stringify({ attempt: 1, durationMs: 40 })}::text::jsonb)`;
      if (last)
        await tx`insert into events (operation_id, type, actor) values (${id}, 'completed', 'worker:e2e')`;
    }
  });
}

/** A marker a reload would wipe: the page must change without one. */
const mark = (page: Page) => page.evaluate(() => Object.assign(window, { __noReload: true }));
const stillSame = (page: Page) =>
  page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

// Cold pages, axe scans and live waits on a 2-core machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

test.describe("live pages", () => {
  test("the detail and track pages advance as steps complete, without reload", async ({
    page,
    browser,
  }, info) => {
    const reference = unique("ord_live");
    const id = await insertOperation(db(), {
      type: "order.fulfill",
      status: "accepted",
      reference,
      subject: "live@example.com",
      currentStep: STEPS[0],
      input: { orderId: reference, customerEmail: "live@example.com", cardNumber: "4242424242424242" },
      steps: STEPS.map((name) => ({ name })),
    });
    await insertEvents(db(), id, [{ type: "accepted", actor: "key:e2e" }]);
    process.env.THROUGHLINE_SECRET ??= appSecret();
    const token = createTrackToken(id);

    await signIn(page, `/operations/${id}`);
    await expect(page.getByRole("heading", { level: 1, name: reference })).toBeVisible();
    await expect(page.getByText("Live", { exact: true })).toBeVisible();
    // Sensitive input never reaches the browser.
    await expect(page.locator("#input-heading").locator("..").locator("..")).toContainText("[redacted]");
    await expect(page.getByText("4242424242424242")).toHaveCount(0);

    const endUser = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await endUser.goto(`/track/${token}`);
    await expect(endUser.getByTestId("track-headline")).toHaveText("We've received your order.");
    await mark(page);
    await mark(endUser);

    await commitStep(id, 0, "started");
    await expect(page.getByTestId("stage-reserve_stock")).toHaveAttribute("data-status", "running");
    await expect(endUser.getByTestId("track-headline")).toHaveText("Reserving your items…");

    await commitStep(id, 0, "succeeded");
    await commitStep(id, 1, "started");
    await expect(page.getByTestId("stage-reserve_stock")).toHaveAttribute("data-status", "succeeded");
    await expect(page.getByTestId("stage-charge_payment")).toHaveAttribute("data-status", "running");
    await expect(endUser.getByTestId("track-headline")).toHaveText("Taking payment…");
    await expect(page.locator('[data-event-type="step_started"]')).toHaveCount(2);
    await screenshot(page, info, "operation-detail-running");
    await screenshot(endUser, info, "track-running-phone");

    for (let i = 1; i < STEPS.length; i++) {
      if (i > 1) await commitStep(id, i, "started");
      await commitStep(id, i, "succeeded");
    }
    await expect(page.getByTestId("status-text")).toHaveText("Your order is on its way.");
    await expect(endUser.getByTestId("track-headline")).toHaveText("Your order is on its way.");
    await expect(page.locator('[data-event-type="completed"]')).toHaveCount(1);
    expect(await stillSame(page)).toBe(true);
    expect(await stillSame(endUser)).toBe(true);
    await screenshot(page, info, "operation-detail-completed");
    await screenshot(endUser, info, "track-completed-phone");
    await expectAccessible(page);
    await expectAccessible(endUser);
  });

  test("an order started through the API runs to completion on the workers", async ({
    page,
    request,
  }, info) => {
    const reference = unique("ord_engine");
    const order = await startOrder(request, { reference, email: "engine@example.com" });
    await signIn(page, `/operations/${order.id}`);
    await expect(page.getByTestId("status-text")).toHaveText("Your order is on its way.", {
      timeout: 30_000,
    });
    await expect(page.getByTestId("stage-send_confirmation")).toHaveAttribute("data-status", "succeeded");
    await expect(page.getByRole("heading", { name: "Lag per hop" })).toBeVisible();
    await screenshot(page, info, "operation-detail-engine");
  });
});
