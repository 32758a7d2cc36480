import { formatDuration } from "../_lib/format";
import type { RouterOutputs } from "../_lib/router-types";

type Synthetic = NonNullable<RouterOutputs["workflows"]["summaries"]["workflows"][number]["synthetic"]>;
type Run = Synthetic["runs"][number];

const BAR_W = 4;
const GAP = 1;
const HEIGHT = 24;

/** The bar's colour says the outcome; failed runs stand full height, so a red wall reads at a glance. */
const FILL: Record<NonNullable<Run["outcome"]> | "running", string> = {
  passed: "fill-status-completed",
  slow: "fill-status-blocked",
  failed: "fill-status-failed",
  running: "fill-status-accepted",
};

function runWords(run: Run): string {
  if (run.outcome === null) return "running";
  if (run.outcome === "failed") return `failed: ${run.error ?? "no detail"}`;
  return `${run.outcome} in ${formatDuration(run.visibleMs)}`;
}

/**
 * A type's synthetic check on the Workflows page: its latest runs as a strip of bars (height: time
 * until the track page said completed, against the slowest shown), and the last run in words.
 * Drawn on the server: no script, nothing that moves after load.
 */
export function SyntheticRuns({ synthetic }: { synthetic: Synthetic | null }) {
  if (!synthetic) return <span className="text-xs text-zinc-500 dark:text-zinc-400">—</span>;
  const { runs } = synthetic;
  // The last finished run speaks for the check: one still running says nothing yet.
  const last = runs.findLast((r) => r.outcome !== null);
  const slowest = Math.max(1, ...runs.map((r) => r.visibleMs ?? 0));
  const failed = runs.filter((r) => r.outcome === "failed").length;
  const label = last
    ? `Synthetic check every ${formatDuration(synthetic.everyMs)}: last ${runWords(last)}; ${failed} of the last ${runs.length} runs failed`
    : `Synthetic check every ${formatDuration(synthetic.everyMs)}: no finished run yet`;
  return (
    <div className="min-w-32" data-testid="synthetic-runs">
      {runs.length > 0 && (
        <svg
          role="img"
          aria-label={label}
          width={runs.length * (BAR_W + GAP)}
          height={HEIGHT}
          className="block"
        >
          {runs.map((run, i) => {
            const h =
              run.outcome === "failed"
                ? HEIGHT
                : Math.max(2, Math.round(((run.visibleMs ?? 0) / slowest) * HEIGHT));
            return (
              <rect
                key={run.startedAt.toISOString()}
                x={i * (BAR_W + GAP)}
                y={HEIGHT - h}
                width={BAR_W}
                height={h}
                className={FILL[run.outcome ?? "running"]}
              >
                <title>{`${run.startedAt.toISOString().slice(11, 19)} UTC · ${runWords(run)}`}</title>
              </rect>
            );
          })}
        </svg>
      )}
      <p className="mt-1 max-w-56 truncate text-[11px] text-zinc-500 dark:text-zinc-400" title={label}>
        {last ? runWords(last) : "no finished run yet"} · every {formatDuration(synthetic.everyMs)}
      </p>
    </div>
  );
}
