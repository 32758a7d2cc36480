import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APP_SECRET, BOOTSTRAP_API_KEY, resolveSecret } from "./local-secrets";

let dataDir: string;
beforeEach(async () => {
  dataDir = path.join(await mkdtemp(path.join(tmpdir(), "tl-key-")), "data");
});
afterEach(async () => {
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

describe("resolveSecret", () => {
  it("uses the value from the environment and writes nothing", async () => {
    const env = { THROUGHLINE_BOOTSTRAP_API_KEY: "tl_env_key" };
    expect(await resolveSecret(BOOTSTRAP_API_KEY, dataDir, env)).toEqual({
      value: "tl_env_key",
      source: "env",
    });
    await expect(stat(path.join(dataDir, BOOTSTRAP_API_KEY.file))).rejects.toThrow();
  });

  it("generates a tl_dev_ bootstrap key once, readable only by its owner, and reuses it", async () => {
    const first = await resolveSecret(BOOTSTRAP_API_KEY, dataDir, {});
    expect(first.source).toBe("generated");
    expect(first.value).toMatch(/^tl_dev_[A-Za-z0-9_-]{32}$/);
    const file = path.join(dataDir, BOOTSTRAP_API_KEY.file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(first.value);
    expect(await resolveSecret(BOOTSTRAP_API_KEY, dataDir, {})).toEqual({
      value: first.value,
      source: "file",
    });
  });

  it("keeps each secret in its own file", async () => {
    const key = await resolveSecret(BOOTSTRAP_API_KEY, dataDir, {});
    const secret = await resolveSecret(APP_SECRET, dataDir, {});
    expect(secret.value).not.toBe(key.value);
    expect(secret.value.length).toBeGreaterThanOrEqual(43);
    expect((await resolveSecret(APP_SECRET, dataDir, {})).value).toBe(secret.value);
  });
});
