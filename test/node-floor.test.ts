/**
 * The Node.js floor we state is true (issue 13): package.json `engines` and the README say the
 * same version, and every package the lock file installs on this platform declares engines
 * that include it — so `npm ci` on the floor prints no EBADENGINE. (Platform packages of
 * other systems, e.g. sharp's win32-ia32, are never installed here and are skipped, as npm does.)
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// npm's own range rules (semver is npm's dependency; it ships no types).
const semver = createRequire(import.meta.url)("semver") as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
};
const ROOT = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { engines: { node: string } };
const lock = JSON.parse(read("package-lock.json")) as {
  packages: Record<
    string,
    { version?: string; engines?: { node?: string } | string[]; os?: string[]; cpu?: string[] }
  >;
};
const floor = semver.minVersion(pkg.engines.node)?.version ?? "";

const installedHere = (p: { os?: string[]; cpu?: string[] }) =>
  (!p.os || p.os.includes(process.platform)) && (!p.cpu || p.cpu.includes(process.arch));

describe("the stated Node.js floor", () => {
  it("is one version, said alike in package.json and the README", () => {
    expect(floor).toBe("22.14.0");
    expect(read("README.md")).toContain("≥ 22.14");
  });

  it("is inside every pinned package's declared engines", () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name && installedHere(p))
      .map(([name, p]) => ({
        name,
        version: p.version,
        node: Array.isArray(p.engines) ? undefined : p.engines?.node,
      }))
      .filter((p) => p.node && !semver.satisfies(floor, p.node, { includePrerelease: true }));
    expect(refusing).toEqual([]);
  });
});
