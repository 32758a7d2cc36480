import type { LiveStatus } from "../_lib/live";

const LABELS: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  paused: "Live updates paused",
  off: "Not live",
};

/** Whether the page is receiving live updates; announced politely to screen readers. */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  const colour =
    status === "live"
      ? "bg-status-completed"
      : status === "off" || status === "paused"
        ? "bg-zinc-400"
        : "bg-status-blocked animate-pulse";
  return (
    <span
      role="status"
      aria-live="polite"
      data-live-status={status}
      title={
        status === "paused"
          ? "Too many live pages are open: this page refreshes every 15 seconds instead."
          : undefined
      }
      className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400"
    >
      <span className={`size-2 rounded-full ${colour}`} aria-hidden />
      {LABELS[status]}
    </span>
  );
}
