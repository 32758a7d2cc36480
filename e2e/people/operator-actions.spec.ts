import { expect, test } from "@playwright/test";
import { db, screenshot } from "../console/support";
import { auditCount, blockedOrder, seedStaff, signInWithForm, stockItem } from "./support";

// Sign-in, a live operation and the engine on a 2-core machine: more than the default.
test.describe.configure({ timeout: 120_000 });

test.describe("operator actions", () => {
  test("an operator resumes a blocked operation with a reason, sees the audit entry and the operation complete", async ({
    page,
  }, info) => {
    const operator = await seedStaff("operator");
    const order = await blockedOrder(page);
    await signInWithForm(page, operator, `/operations/${order.id}`);
    await expect(page.getByText("The warehouse does not stock").first()).toBeVisible();

    // The cause is fixed outside Throughline (the item now exists), then resumed here.
    await stockItem(order.sku);
    const actions = page.getByRole("region", { name: "Actions" });
    await actions.getByRole("button", { name: "Resume" }).click();
    const dialog = page.getByRole("dialog", { name: "Resume this operation" });
    await dialog.getByLabel("Reason").fill("The catalogue team added the item; stock arrived.");
    await screenshot(page, info, "resume-dialog");
    await dialog.getByRole("button", { name: "Resume" }).click();
    await expect(dialog).toBeHidden();

    const history = page.getByRole("region", { name: "Audit history" });
    const entry = history.getByTestId("audit-entry").first();
    await expect(entry).toContainText("Resumed");
    await expect(entry).toContainText("The catalogue team added the item; stock arrived.");
    await expect(entry).toContainText(`${operator.email} (operator)`);
    await expect(entry).toContainText("blocked → processing");

    // The engine takes it from there, through its normal path, to the end.
    await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible({
      timeout: 45_000,
    });
    await screenshot(page, info, "resumed-and-completed");
    expect(await auditCount(order.id)).toBe(1);

    // The Audit page lists it too.
    await page.goto(`/audit?actor=${encodeURIComponent(operator.email)}`);
    await expect(page.getByTestId("audit-row").first()).toContainText("The catalogue team added the item");
  });

  test("a support agent sees no action buttons, and the server refuses the action anyway", async ({
    page,
    baseURL,
  }, info) => {
    const support = await seedStaff("support");
    const order = await blockedOrder(page);
    await signInWithForm(page, support, `/operations/${order.id}`);
    const actions = page.getByRole("region", { name: "Actions" });
    await expect(actions.getByTestId("actions-read-only")).toBeVisible();
    await expect(actions.getByRole("button")).toHaveCount(0);
    await screenshot(page, info, "support-read-only");

    // Called directly with the support agent's own session, from our own origin: refused.
    const res = await page.request.post("/api/trpc/actions.resume", {
      headers: { origin: baseURL!, "content-type": "application/json" },
      data: { json: { operationId: order.id, reason: "Support trying anyway" } },
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain("This needs the operator role.");
    const [row] = await db()`select status from operations where id = ${order.id}`;
    expect(row!.status).toBe("blocked");
    expect(await auditCount(order.id)).toBe(0);
  });
});
