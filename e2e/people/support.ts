import { expect, type Page } from "@playwright/test";
import { createDb, type Db } from "@/db/client";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createStaffUser } from "@/server/auth/people";
import type { StaffRole } from "@/server/domain/roles";
import { API_KEY, databaseUrl, db, unique } from "../console/support";

/**
 * People-and-trust helpers: staff seeded through the same core function admins use
 * (createStaffUser), a sign-in through the real form, and an order blocked on a missing
 * catalogue item that the test can then fix.
 */

let drizzleDb: Db | null = null;
function peopleDb(): Db {
  drizzleDb ??= createDb(databaseUrl(), { max: 1, applicationName: "e2e-people" });
  return drizzleDb;
}

export interface SeededStaff {
  email: string;
  password: string;
  role: StaffRole;
}

export async function seedStaff(role: StaffRole): Promise<SeededStaff> {
  const email = `${unique(role)}@people.example.com`.toLowerCase();
  const password = `${role} password for e2e`;
  const result = await createStaffUser({
    db: peopleDb(),
    email,
    name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`,
    password,
    role,
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  expect(result.type).toBe("created");
  return { email, password, role };
}

/** Signs in through the sign-in page, as a person would. */
export async function signInWithForm(page: Page, who: SeededStaff, next: string): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === next);
  await expect(page.getByTestId("signed-in-as")).toContainText(who.role);
}

/**
 * An order for an item the warehouse does not stock: the engine blocks it at
 * "Reserve stock" until the item exists and someone resumes it.
 */
export async function blockedOrder(page: Page): Promise<{ id: string; sku: string }> {
  const reference = unique("ord_people");
  const sku = unique("E2E-RARE").toUpperCase();
  const res = await page.request.post("/api/v1/operations", {
    headers: { authorization: `Bearer ${API_KEY}` },
    data: {
      type: "order.fulfill",
      input: {
        orderId: reference,
        customerEmail: "people@example.com",
        items: [{ sku, quantity: 1 }],
        amountCents: 1299,
        currency: "EUR",
      },
      reference,
    },
  });
  expect(res.status(), await res.text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => (await db()`select status from operations where id = ${id}`)[0]?.status, {
      timeout: 20_000,
    })
    .toBe("blocked");
  return { id, sku };
}

/** What fixing the cause looks like here: the warehouse now stocks the item. */
export async function stockItem(sku: string): Promise<void> {
  await db()`insert into sim_stock (sku, title, on_hand) values (${sku}, ${sku}, 10)
    on conflict (sku) do update set on_hand = sim_stock.on_hand + 10`;
}

export async function auditCount(operationId: string): Promise<number> {
  const [row] = await db()`select count(*)::int as n from audit_records where operation_id = ${operationId}`;
  return row!.n as number;
}
