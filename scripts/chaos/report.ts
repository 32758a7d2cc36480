import type { ChaosResult } from "./run";

/** The run's figures, the client's answers and every check, as plain-text tables. */
export function formatReport(result: ChaosResult): string {
  const out: string[] = [];
  out.push(
    table(
      `chaos run (${result.options.name}, seed ${result.options.seed})`,
      ["figure", "value"],
      result.figures,
    ),
  );
  const statuses = [...new Set(result.answers.flatMap((r) => Object.keys(r.counts)))].sort();
  out.push(
    table(
      "answers the client got",
      ["endpoint", "while", ...statuses],
      result.answers.map((r) => [
        r.endpoint,
        r.during === "outage" ? "database down" : "otherwise",
        ...statuses.map((s) => r.counts[s] ?? 0),
      ]),
    ),
  );
  out.push(
    table(
      "checks",
      ["check", "violations", "examples"],
      result.checks.map((c) => [c.name, c.violations, c.examples.join("; ")]),
    ),
  );
  out.push(
    result.ok
      ? "\nchaos: every check passed"
      : `\nchaos: ${result.checks.filter((c) => c.violations > 0).length} check(s) failed (process logs kept in ${result.logDir})`,
  );
  return out.join("\n");
}

function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) =>
    Math.max(...cells.map((r) => (i === header.length - 1 ? 0 : (r[i]?.length ?? 0)))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [`\n${title}`, "-".repeat(title.length), line(header), ...cells.slice(1).map(line)].join("\n");
}
