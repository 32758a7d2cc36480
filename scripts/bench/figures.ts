import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import postgres from "postgres";

/** One measured figure of `npm run bench`: every section returns these instead of printing. */
export interface BenchFigure {
  section: string;
  name: string;
  value: number;
  /** "ops/s", "ms", "s", "MB", "rows"… */
  unit: string;
  /** What the figure should meet, as words ("≥ 0.5 of raw", "< 2 s"). */
  target?: string;
  /** value / the raw `BEGIN; INSERT; COMMIT` rate measured in the same run. */
  ratioToRaw?: number;
}

/** A figure maker bound to one section, so a section writes `figure("p50", 3.2, "ms")`. */
export function figuresOf(section: string) {
  const figures: BenchFigure[] = [];
  const add = (
    name: string,
    value: number,
    unit: string,
    extra: Pick<BenchFigure, "target" | "ratioToRaw"> = {},
  ) => {
    figures.push({ section, name, value, unit, ...extra });
  };
  return { figures, add };
}

/** p50 / p95 / p99 / max of `values` as four figures named `<name> p50` … */
export function spreadFigures(
  add: ReturnType<typeof figuresOf>["add"],
  name: string,
  values: number[],
  unit: string,
  targets: { p50?: string; p95?: string; p99?: string; max?: string } = {},
): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0
      ? Number.NaN
      : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  add(`${name} p50`, at(50), unit, { target: targets.p50 });
  add(`${name} p95`, at(95), unit, { target: targets.p95 });
  add(`${name} p99`, at(99), unit, { target: targets.p99 });
  add(`${name} max`, sorted.at(-1) ?? Number.NaN, unit, { target: targets.max });
}

const shown = (n: number) =>
  !Number.isFinite(n)
    ? "–"
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : n.toFixed(2);

/** The one table: every section's figures, with their targets and ratios to raw where they exist. */
export function printFigures(figures: BenchFigure[]): void {
  const header = ["section", "figure", "value", "unit", "target", "ratio to raw"];
  const rows = figures.map((f) => [
    f.section,
    f.name,
    shown(f.value),
    f.unit,
    f.target ?? "",
    f.ratioToRaw === undefined ? "" : f.ratioToRaw.toFixed(2),
  ]);
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const right = new Set([2]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  let section = "";
  for (const r of rows) {
    if (r[0] !== section && section !== "") console.log("");
    section = r[0]!;
    console.log(line(r));
  }
}

/** What the run ran on: cores, load, PostgreSQL version and the settings that move the figures. */
export async function machineFacts(url: string): Promise<Record<string, unknown>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [v] = await sql<{ version: string }[]>`select version()`;
    const settings = await sql<{ name: string; setting: string; unit: string | null }[]>`
      select name, setting, unit from pg_settings where name in
        ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_connections',
         'commit_delay', 'work_mem', 'effective_io_concurrency', 'max_wal_size')
      order by name`;
    return {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      node: process.version,
      postgres: v?.version,
      postgresSettings: Object.fromEntries(
        settings.map((s) => [s.name, s.unit ? `${s.setting} ${s.unit}` : s.setting]),
      ),
    };
  } finally {
    await sql.end();
  }
}

/** Writes the run to `bench/results/<timestamp>.json` (git-ignored); returns the path. */
export async function writeResults(run: {
  startedAt: Date;
  loadBefore: number[];
  facts: Record<string, unknown>;
  sections: string[];
  figures: BenchFigure[];
}): Promise<string> {
  const dir = path.resolve("bench/results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${run.startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  const body = {
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ...run.facts,
    loadAverageBefore: run.loadBefore,
    loadAverageAfter: loadavg(),
    sections: run.sections,
    figures: run.figures,
  };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
