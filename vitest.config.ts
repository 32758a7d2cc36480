import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: [{ find: /^@\//, replacement: root }] },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: [
      "e2e/**",
      "test/fixtures/**",
      "**/node_modules/**",
      ".next/**",
      ".next-*/**",
      ".throughline/**",
      "test-results/**",
      ".git/**",
    ],
    // Starts (or attaches to) the test PostgreSQL and migrates one template database.
    globalSetup: ["test/global-setup.ts"],
    // Sized for 2 cores: each file runs in its own fork, two at a time, each on its own database.
    pool: "forks",
    maxWorkers: 2,
    // What the launcher would pass to web and worker; a fixed value keeps tokens reproducible.
    env: { THROUGHLINE_SECRET: "vitest-only-secret" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
