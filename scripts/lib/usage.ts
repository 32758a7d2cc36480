/**
 * Every script answers `--help` (or `-h`) with its usage and exits 0 before doing anything
 * else: `npm run seed -- --help` must not seed, nor answer "Unknown option". Called first in
 * each script's entry point; usage-test.ts runs every package.json script with --help.
 */
export function answerHelp(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!argv.includes("--help") && !argv.includes("-h")) return;
  process.stdout.write(`${usage.trim()}\n`);
  process.exit(0);
}
