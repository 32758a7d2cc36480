import { readFileSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, type TestInfo } from "@playwright/test";
import postgres from "postgres";

/**
 * Helpers for the console's end-to-end tests: signing in, the database the web server
 * uses (to set up scenes the engine would take minutes to reach, e.g. a blocked order),
 * the public API, accessibility checks and screenshots.
 */

export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "admin@e2e.test";
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password-1";
export const API_KEY = process.env.E2E_API_KEY ?? "tl_e2e_key";

/** The launcher's data directory for the e2e web server (see playwright.config.ts). */
function dataDir(): string {
  return path.resolve(
    process.env.THROUGHLINE_DATA_DIR ?? (process.env.DATABASE_URL ? ".throughline" : ".throughline/e2e"),
  );
}

/** The server's database: DATABASE_URL, or the embedded cluster the launcher started. */
export function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const state = JSON.parse(readFileSync(path.join(dataDir(), "embedded.json"), "utf8")) as { port: number };
  return `postgres://postgres:throughline@127.0.0.1:${state.port}/throughline`;
}

/** The secret the server signs track links with (from the environment or its data directory). */
export function appSecret(): string {
  return process.env.THROUGHLINE_SECRET ?? readFileSync(path.join(dataDir(), "secret"), "utf8").trim();
}

let sql: postgres.Sql | null = null;
export function db(): postgres.Sql {
  sql ??= postgres(databaseUrl(), { max: 2, onnotice: () => {} });
  return sql;
}

/**
 * Signs in as the e2e admin (created by the launcher from THROUGHLINE_ADMIN_EMAIL/PASSWORD,
 * see playwright.config.ts) through the sign-in endpoint the form posts to, then opens `next`.
 * The session cookie lands in the page's browser context.
 */
export async function signIn(page: Page, next = "/"): Promise<void> {
  const res = await page.request.post("/api/auth/sign-in/email", {
    data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  expect(res.status(), "e2e admin sign-in").toBe(200);
  await page.goto(next);
}

export interface StartedOperation {
  id: string;
  status: string;
  reference: string | null;
  links: { self: string; track: string };
}

/** Starts an order through the public API, as a shop would. */
export async function startOrder(
  request: APIRequestContext,
  options: { reference: string; email: string; idempotencyKey?: string },
): Promise<StartedOperation> {
  const res = await request.post("/api/v1/operations", {
    headers: {
      authorization: `Bearer ${API_KEY}`,
      "idempotency-key": options.idempotencyKey ?? options.reference,
    },
    data: {
      type: "order.fulfill",
      input: {
        orderId: options.reference,
        customerEmail: options.email,
        items: [{ sku: "BOOK-42", quantity: 1 }],
        amountCents: 2599,
        currency: "EUR",
      },
      subject: options.email,
      reference: options.reference,
    },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as StartedOperation;
}

export const unique = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** No serious or critical axe violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
}

/** A full-page screenshot kept with the test's artifacts. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

/**
 * Presses "/" once the console's shortcut listens (SearchShortcut marks <html>): a page is
 * readable before React has hydrated it, and a key pressed in that moment does nothing.
 */
export async function pressSearchShortcut(page: Page): Promise<void> {
  await expect(page.locator("html[data-search-shortcut=ready]")).toBeAttached();
  await page.keyboard.press("/");
}
