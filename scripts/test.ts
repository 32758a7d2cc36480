/**
 * `npm test`: every check, in order, each streaming its output; stops at the first
 * failure with that step's exit code, and ends with one line of durations.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { answerHelp } from "@/scripts/lib/usage";

answerHelp(`usage: npm test
  Every check in order (type check + lint, workflows:check, build, vitest, Playwright); stops
  at the first failure with its exit code. DATABASE_URL picks the PostgreSQL for the tests.`);

interface Step {
  name: string;
  command: string;
  args: string[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

const STEPS: Step[] = [
  { name: "check", command: "npm", args: ["run", "--silent", "check"] },
  { name: "workflows", command: "npm", args: ["run", "--silent", "workflows:check"] },
  // The production build the launcher tests and Playwright start (skipped when it matches the sources).
  { name: "build", command: process.execPath, args: ["--import", "tsx", "scripts/start.ts", "--build-only"] },
  { name: "vitest", command: bin("vitest"), args: ["run"] },
  { name: "playwright", command: bin("playwright"), args: ["test"] },
];

let current: ChildProcess | undefined;

function run(step: Step): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd: ROOT, stdio: "inherit" });
    current = child;
    child.once("error", (error) => {
      console.error(`[test] ${step.name}: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

async function main(): Promise<void> {
  const durations: string[] = [];
  const startedAt = performance.now();
  // Ctrl-C reaches the running step directly (same process group): let it finish cleaning up.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => current?.kill("SIGTERM"));

  for (const step of STEPS) {
    console.log(`\n[test] ── ${step.name}: ${[path.basename(step.command), ...step.args].join(" ")}`);
    const stepStartedAt = performance.now();
    const code = await run(step);
    durations.push(`${step.name} ${seconds(performance.now() - stepStartedAt)}`);
    if (code !== 0) {
      console.log(`\n[test] ✗ ${step.name} failed (exit ${code}) · ${durations.join(" · ")}`);
      process.exit(code);
    }
  }
  console.log(
    `\n[test] ✓ all passed · ${durations.join(" · ")} · total ${seconds(performance.now() - startedAt)}`,
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

void main();
