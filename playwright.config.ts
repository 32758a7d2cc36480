import { defineConfig, devices } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, API_KEY } from "./e2e/console/support";

const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  // One worker everywhere: several specs set the sandbox's provider faults, which are global to
  // the one server (a payments fault in the incident spec stalls another spec's orders).
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Two cores run the browser, the web server, the worker and PostgreSQL at once.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    screenshot: "on",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        headless: true,
        // The system Chromium: browsers are never downloaded (`playwright install` is not run).
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  // The production launcher, as `npm start` runs it: build when needed, migrate, web + worker.
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `${baseURL}/api/health`,
    env: {
      PORT: String(port),
      THROUGHLINE_BOOTSTRAP_API_KEY: API_KEY,
      // The launcher creates this admin on first start; specs sign in with signIn().
      THROUGHLINE_ADMIN_EMAIL: ADMIN_EMAIL,
      THROUGHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Every spec signs in from 127.0.0.1, often as the same person: lift the sign-in limit.
      THROUGHLINE_SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
      // Its own embedded cluster (THROUGHLINE_DATA_DIR to run beside another one), unless DATABASE_URL names a server.
      ...(process.env.DATABASE_URL
        ? {}
        : { THROUGHLINE_DATA_DIR: process.env.THROUGHLINE_DATA_DIR ?? ".throughline/e2e" }),
    },
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
