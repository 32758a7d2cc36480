/**
 * Decides whether the production build in `.next/` matches the sources, so a second
 * `npm start` skips `next build`. The stamp is a content hash of everything the build
 * reads, written into `.next/` only after a build succeeds.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** Folders and files, relative to the project root, that a production build depends on. */
export const BUILD_INPUTS = [
  "app",
  "server",
  "db",
  "public",
  "next.config.ts",
  "tsconfig.json",
  "postcss.config.mjs",
  "package-lock.json",
  ".env",
  ".env.production",
] as const;

/** Never part of the build: dependencies, outputs, local data, and tests. */
const SKIPPED_DIRS = new Set(["node_modules", ".next", ".throughline", ".git"]);
const SKIPPED_DIR_PREFIX = ".next-";
const SKIPPED_FILE = /\.(test|spec)\.tsx?$/;

export const STAMP_FILE = "throughline-build-stamp.json";

interface Stamp {
  hash: string;
  builtAt: string;
}

/**
 * SHA-256 over the relative path and bytes of every input file, in sorted order.
 * Missing inputs are skipped, so adding one later changes the hash.
 */
export async function hashBuildInputs(
  root: string,
  inputs: readonly string[] = BUILD_INPUTS,
): Promise<string> {
  const hash = createHash("sha256");
  const files: string[] = [];
  for (const input of inputs) files.push(...(await listFiles(root, input)));
  for (const file of files.sort()) {
    hash.update(file).update("\0");
    hash.update(await readFile(path.join(root, file))).update("\0");
  }
  return hash.digest("hex");
}

async function listFiles(root: string, relative: string): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOTDIR") return null; // a plain file
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  if (entries === null) return [relative];
  const files: string[] = [];
  for (const entry of entries) {
    const child = path.posix.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(SKIPPED_DIR_PREFIX))
        files.push(...(await listFiles(root, child)));
    } else if (entry.isFile() && !SKIPPED_FILE.test(entry.name)) {
      files.push(child);
    }
  }
  return files;
}

/** True when `.next/` holds a finished build stamped with `hash`. */
export async function isBuildCurrent(root: string, hash: string): Promise<boolean> {
  const distDir = path.join(root, buildDir());
  if (!existsSync(path.join(distDir, "BUILD_ID"))) return false;
  try {
    const stamp = JSON.parse(await readFile(path.join(distDir, STAMP_FILE), "utf8")) as Stamp;
    return stamp.hash === hash;
  } catch {
    return false;
  }
}

export async function writeBuildStamp(root: string, hash: string): Promise<void> {
  const stamp: Stamp = { hash, builtAt: new Date().toISOString() };
  await writeFile(path.join(root, buildDir(), STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Next's output folder: `.next`, or NEXT_DIST_DIR (next.config.ts reads the same variable). */
export function buildDir(): string {
  return process.env.NEXT_DIST_DIR ?? ".next";
}
