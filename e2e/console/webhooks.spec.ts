import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, expectAccessible, screenshot, signIn, unique } from "./support";

/**
 * The admins' webhooks page (issue 11): an endpoint the deliverer disabled after failing, its
 * delivery log (every try's answer), a dead delivery sent again, the endpoint re-enabled with a
 * reason (both audited), and a private URL refused at registration. The failing endpoint is
 * written as the deliverer leaves one, so the spec needs no receiver.
 */
test.use({ viewport: { width: 1440, height: 900 } });

test("an admin reads a failing endpoint's delivery log, redelivers, re-enables it; a private URL is refused", async ({
  page,
}, info) => {
  const tag = unique("hook");
  const endpointId = randomUUID();
  const url = `https://${tag}.partner.example/throughline`;
  await db()`insert into webhook_endpoints (id, url, description, event_types, secret, enabled, disabled_reason,
      consecutive_failures, created_by)
    values (${endpointId}, ${url}, ${`Partner CRM ${tag}`}, ${["operation.status_changed"]},
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false, '25 failed deliveries in a row; the last: HTTP 500', 25, 'e2e')`;
  const [outbox] = await db()`insert into webhook_outbox (message_id, type, data)
    values (${`msg_${tag}`}, 'operation.status_changed', '{"status":"processing"}'::jsonb) returning id`;
  const [delivery] = await db()`insert into webhook_deliveries (outbox_id, endpoint_id, status, attempts)
    values (${outbox!.id}, ${endpointId}, 'dead', 2) returning id`;
  for (const attempt of [1, 2])
    await db()`insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt)
      values (${delivery!.id}, ${attempt}, 500, ${40 + attempt}, 'upstream exploded')`;

  await signIn(page, "/admin/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: url });
  await expect(row).toContainText("Disabled: 25 failed deliveries in a row; the last: HTTP 500");
  await expect(row).toContainText("1 dead");

  await row.getByRole("button", { name: "Delivery log" }).click();
  const log = page.locator('section[aria-labelledby="delivery-log-heading"]');
  await expect(log).toContainText(`msg_${tag}`);
  await expect(log).toContainText("dead after 2 tries");
  await expect(log).toContainText("upstream exploded");
  await screenshot(page, info, "webhooks");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scroll, "no sideways scroll at 390 px").toBeLessThanOrEqual(viewport);
  // Nor inside a panel: both tables stack each row on a phone, each cell saying what it is.
  for (const table of await page.locator("table").all()) {
    const sideways = await table.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(sideways, "a table scrolls sideways at 390 px").toBe(0);
  }
  await expect(row.getByRole("button", { name: "Re-enable" })).toBeVisible();
  await screenshot(page, info, "webhooks-phone");
  await page.setViewportSize({ width: 1440, height: 900 });

  await log.getByRole("button", { name: "Redeliver" }).click();
  const again = page.getByRole("dialog", { name: "Redeliver operation.status_changed" });
  await again.getByLabel("Reason").fill(`The partner lost ${tag}`);
  await again.getByRole("button", { name: "Redeliver" }).click();
  await expect(log).toContainText("pending");

  // The worker's evaluator (every 15 s) has fired the endpoint's alert; it leads back here.
  await page.goto("/alerts");
  const alert = page.getByRole("link", {
    name: `Webhook endpoint failing (endpoint ${endpointId.slice(0, 8)}) · all types`,
  });
  await expect(alert).toBeVisible({ timeout: 45_000 });
  await alert.click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Webhook endpoint failing");
  await expect(page.getByRole("paragraph").filter({ hasText: "webhook endpoint" })).toContainText(
    `webhook endpoint ${tag}.partner.example failed 25 deliveries in a row`,
  );
  await page.getByRole("link", { name: "Open the webhook endpoints" }).click();
  await expect(page).toHaveURL(/\/admin\/webhooks$/);

  await row.getByRole("button", { name: "Re-enable" }).click();
  const enable = page.getByRole("dialog", { name: `Re-enable ${url}` });
  await enable.getByLabel("Reason").fill(`Partner fixed their receiver (${tag})`);
  await enable.getByRole("button", { name: "Re-enable endpoint" }).click();
  await expect(row).toContainText("Enabled");
  const audit = await db()`select action::text from audit_records
    where details->>'endpointId' = ${endpointId} order by seq`;
  expect(audit.map((a) => a.action)).toEqual(["webhook_redelivered", "webhook_endpoint_enabled"]);

  // Registering a private destination is refused with the reason (no THROUGHLINE_ALLOW_PRIVATE_URLS here).
  await page.getByLabel("URL").fill("http://127.0.0.1:9/hook");
  await page.getByRole("button", { name: "Register endpoint" }).click();
  await expect(page.getByText(/Refused: 127\.0\.0\.1 resolves to a non-public address/)).toBeVisible();

  await db()`delete from webhook_endpoints where id = ${endpointId}`;
});
