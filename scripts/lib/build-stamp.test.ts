import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuildInputs, isBuildCurrent, writeBuildStamp } from "./build-stamp";

let root: string;

async function put(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "tl-stamp-"));
  await put("app/page.tsx", "export default function Page() {}");
  await put("server/domain/statuses.ts", "export const A = 1;");
  await put("next.config.ts", "export default {};");
  await put("package-lock.json", "{}");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("hashBuildInputs", () => {
  it("is the same for the same sources", async () => {
    expect(await hashBuildInputs(root)).toBe(await hashBuildInputs(root));
  });

  it("changes when a source file's content changes", async () => {
    const before = await hashBuildInputs(root);
    await put("server/domain/statuses.ts", "export const A = 2;");
    expect(await hashBuildInputs(root)).not.toBe(before);
  });

  it("changes when a file is added, or renamed with the same content", async () => {
    const before = await hashBuildInputs(root);
    await put("public/logo.svg", "<svg/>");
    const added = await hashBuildInputs(root);
    expect(added).not.toBe(before);
    await rm(path.join(root, "public/logo.svg"));
    await put("public/icon.svg", "<svg/>");
    expect(await hashBuildInputs(root)).not.toBe(added);
  });

  it("changes with the lock file and the top-level config files", async () => {
    const before = await hashBuildInputs(root);
    await put("package-lock.json", '{"lockfileVersion":3}');
    const relocked = await hashBuildInputs(root);
    expect(relocked).not.toBe(before);
    await put("tsconfig.json", "{}");
    expect(await hashBuildInputs(root)).not.toBe(relocked);
  });

  it("ignores outputs, dependencies, local data, tests and files outside the inputs", async () => {
    const before = await hashBuildInputs(root);
    await put(".next/BUILD_ID", "x");
    await put("app/node_modules/x/index.js", "x");
    await put("server/.throughline/pg/PG_VERSION", "18");
    await put("server/domain/statuses.test.ts", "test()");
    await put("e2e/home/overview.spec.ts", "test()");
    await put("scripts/start.ts", "main()");
    expect(await hashBuildInputs(root)).toBe(before);
  });
});

describe("isBuildCurrent", () => {
  it("is false when there is no build", async () => {
    expect(await isBuildCurrent(root, await hashBuildInputs(root))).toBe(false);
  });

  it("is false for a finished build without a stamp (built by hand)", async () => {
    await put(".next/BUILD_ID", "abc");
    expect(await isBuildCurrent(root, await hashBuildInputs(root))).toBe(false);
  });

  it("is true after stamping a finished build, until a source changes", async () => {
    await put(".next/BUILD_ID", "abc");
    await writeBuildStamp(root, await hashBuildInputs(root));
    expect(await isBuildCurrent(root, await hashBuildInputs(root))).toBe(true);
    await put("app/page.tsx", "export default function Page() { return null; }");
    expect(await isBuildCurrent(root, await hashBuildInputs(root))).toBe(false);
  });

  it("is false when the stamp survives but the build output is gone", async () => {
    await put(".next/BUILD_ID", "abc");
    const hash = await hashBuildInputs(root);
    await writeBuildStamp(root, hash);
    await rm(path.join(root, ".next/BUILD_ID"));
    expect(await isBuildCurrent(root, hash)).toBe(false);
  });
});
