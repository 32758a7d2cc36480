import { formatDuration } from "../../_components/time";
import { Empty, Panel } from "../../_components/ui";
import type { Detail } from "./detail";

type Segment = Detail["segments"][number];

const COLOUR: Record<Segment["kind"], string> = {
  queue: "bg-status-accepted",
  run: "bg-status-processing",
  backoff: "bg-status-blocked/70",
  blocked: "bg-status-blocked",
  scheduled: "bg-status-accepted/50",
  commit: "bg-status-completed",
};

const KIND: Record<Segment["kind"], string> = {
  queue: "queue",
  run: "provider / effect",
  backoff: "retry backoff",
  blocked: "waiting for a person",
  scheduled: "scheduled (timer)",
  commit: "commit",
};

/**
 * Where the time went, hop by hop: waiting in the queue and being picked up, each step's
 * effect, retry backoff, blocks, a step scheduled for later, and the final commit — so a slow queue and a slow
 * provider look different. The last hop, commit → this page, is measured in the browser.
 */
export function HopsView({ segments, visible }: { segments: Segment[]; visible: Map<number, number> }) {
  if (segments.length === 0) return null;
  const start = segments[0]!.start.getTime();
  const end = Math.max(...segments.map((s) => s.start.getTime() + s.ms));
  const span = Math.max(1, end - start);
  const totals = new Map<Segment["kind"], number>();
  for (const s of segments) totals.set(s.kind, (totals.get(s.kind) ?? 0) + s.ms);
  const seen = [...visible.values()];
  return (
    <Panel id="hops" title="Lag per hop">
      <ul className="flex flex-wrap gap-x-4 gap-y-1 border-b border-zinc-100 px-4 py-2 text-xs dark:border-zinc-800">
        {[...totals].map(([kind, ms]) => (
          <li key={kind} className="inline-flex items-center gap-1.5">
            <span className={`size-2 rounded-sm ${COLOUR[kind]}`} aria-hidden />
            {KIND[kind]} <strong className="tabular-nums">{formatDuration(ms)}</strong>
          </li>
        ))}
        <li className="inline-flex items-center gap-1.5">
          <span className="size-2 rounded-sm bg-zinc-400" aria-hidden />
          commit → visible here{" "}
          <strong className="tabular-nums">
            {seen.length ? formatDuration(seen.reduce((a, b) => a + b, 0) / seen.length) : "—"}
          </strong>
        </li>
      </ul>
      {segments.length === 0 ? (
        <Empty>Nothing has happened yet.</Empty>
      ) : (
        <ol className="space-y-1 px-4 py-3">
          {segments.map((s, i) => (
            <li key={i} className="grid grid-cols-[11rem_1fr_4.5rem] items-center gap-2 text-xs">
              <span className="truncate" title={s.label}>
                {s.label}
                {s.step && <span className="text-zinc-500"> · {s.step}</span>}
              </span>
              <span className="relative h-3 rounded-sm bg-zinc-100 dark:bg-zinc-800" aria-hidden>
                <span
                  className={`absolute inset-y-0 rounded-sm ${COLOUR[s.kind]} ${s.end === null ? "animate-pulse" : ""}`}
                  style={{
                    left: `${((s.start.getTime() - start) / span) * 100}%`,
                    width: `max(2px, ${(s.ms / span) * 100}%)`,
                  }}
                />
              </span>
              <span className="text-right tabular-nums">
                {formatDuration(s.ms)}
                {s.end === null && "…"}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
