import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOOTSTRAP_KEY_FILE, resolveBootstrapKey } from "./bootstrap-key";

let dataDir: string;
beforeEach(async () => {
  dataDir = path.join(await mkdtemp(path.join(tmpdir(), "tl-key-")), "data");
});
afterEach(async () => {
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

describe("resolveBootstrapKey", () => {
  it("uses the key from the environment and writes nothing", async () => {
    expect(await resolveBootstrapKey(dataDir, "tl_env_key")).toEqual({ key: "tl_env_key", source: "env" });
    await expect(stat(path.join(dataDir, BOOTSTRAP_KEY_FILE))).rejects.toThrow();
  });

  it("generates a tl_dev_ key once, readable only by its owner, and reuses it", async () => {
    const first = await resolveBootstrapKey(dataDir, undefined);
    expect(first.source).toBe("generated");
    expect(first.key).toMatch(/^tl_dev_[A-Za-z0-9_-]{32}$/);
    const file = path.join(dataDir, BOOTSTRAP_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(first.key);
    expect(await resolveBootstrapKey(dataDir, undefined)).toEqual({ key: first.key, source: "file" });
  });
});
