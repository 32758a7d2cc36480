/**
 * Every package.json script that runs one of our TypeScript files answers `--help` with its
 * usage and exit 0, doing nothing else (issue 13: `npm run seed -- --help` printed "Unknown
 * option"). The database address is unreachable, so a script that went on to work fails.
 * Scripts that run a tool (next, vitest, playwright, drizzle-kit, biome) have the tool's own.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const scripts = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
// One script per file it runs (start, dev, web and worker all run scripts/start.ts): each
// answer costs a TypeScript start-up, and the default run must stay short.
const byFile = new Map<string, string>();
for (const [name, command] of Object.entries(scripts)) {
  const file = /\btsx\b.*?(\S+\.ts)\b/.exec(command)?.[1];
  if (file && !/\bvitest\b/.test(command) && !byFile.has(file)) byFile.set(file, name);
}
const ours = [...byFile.values()];

function helpOf(name: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", name, "--", "--help"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
        THROUGHLINE_DATA_DIR: "/nonexistent",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, out }));
  });
}

describe("every script answers --help", () => {
  it("lists the scripts it checks", () => {
    expect(ours).toEqual(
      expect.arrayContaining(["seed", "start", "bench", "chaos", "audit:verify", "histories:accept"]),
    );
  });

  it("prints its usage and exits 0 without doing anything", { timeout: 120_000 }, async () => {
    const answers = await Promise.all(ours.map(async (name) => ({ name, ...(await helpOf(name)) })));
    for (const a of answers) {
      expect({ name: a.name, code: a.code, usage: a.out.trimStart().startsWith("usage:") }, a.out).toEqual({
        name: a.name,
        code: 0,
        usage: true,
      });
      expect(a.out).not.toMatch(/Unknown option|Unknown argument|ECONNREFUSED/);
    }
  });
});
