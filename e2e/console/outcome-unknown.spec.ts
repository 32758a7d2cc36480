import { expect, test } from "@playwright/test";
import { db, expectAccessible, screenshot, signIn, startOrder, unique } from "./support";

/**
 * A payment whose answer was lost after the request went out: the console says the card may
 * have been charged and that resuming is safe, instead of showing the step as simply pending;
 * after the resume the timeline reads in commit order from "Accepted".
 */
test.describe.configure({ timeout: 180_000 });
test.use({ viewport: { width: 1440, height: 900 } });

const setPaymentsLoseAnswer = (rate: number) => db()`
  insert into sim_faults (provider, lose_answer_rate) values ('payments', ${rate})
  on conflict (provider) do update set lose_answer_rate = excluded.lose_answer_rate`;

test("a lost answer: the detail page says what may have happened, and the timeline stays in order", async ({
  page,
  request,
}, info) => {
  await signIn(page, "/");
  let id: string;
  try {
    await setPaymentsLoseAnswer(1);
    const order = await startOrder(request, { reference: unique("ord_lost"), email: "lost@example.com" });
    id = order.id;
    await expect
      .poll(async () => (await db()`select status from operations where id = ${id}`)[0]?.status, {
        timeout: 90_000,
      })
      .toBe("blocked");
  } finally {
    await setPaymentsLoseAnswer(0);
  }
  await page.goto(`/operations/${id}`);
  const text = "The payment provider may have charged the card";
  await expect(page.getByRole("note").filter({ hasText: "Blocked" })).toContainText(text);
  const card = page.getByTestId("stage-charge_payment");
  await expect(card).toContainText("effect may have happened");
  await expect(card).toContainText("which does not charge twice");
  await screenshot(page, info, "detail-outcome-unknown");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, info, "detail-outcome-unknown-phone");
  await page.setViewportSize({ width: 1440, height: 900 });

  const actions = page.getByRole("region", { name: "Actions" });
  await actions.getByRole("button", { name: "Resume" }).click();
  const dialog = page.getByRole("dialog", { name: "Resume this operation" });
  await dialog
    .getByLabel("Reason")
    .fill("The payment provider answers again; the same key cannot charge twice.");
  await dialog.getByRole("button", { name: "Resume" }).click();
  await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await expect(card).not.toContainText("effect may have happened");
  const charges =
    await db()`select count(*)::int as n from sim_charges c join operations o on o.input->>'orderId' = c.order_id where o.id = ${id}`;
  expect(charges[0]?.n).toBe(1);

  const timeline = page.getByTestId("timeline");
  await expect(timeline.locator("li").first()).toHaveAttribute("data-event-type", "accepted");
  await expect(timeline.locator("li").last()).toHaveAttribute("data-event-type", "completed");
  const ids = await timeline
    .locator("li")
    .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute("data-event-id"))));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  await page.getByTestId("timeline").scrollIntoViewIfNeeded();
  await screenshot(page, info, "detail-resumed-timeline");
});
