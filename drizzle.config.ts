import { defineConfig } from "drizzle-kit";

// Only `generate` is used: migrations are reviewed SQL files applied by db/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
