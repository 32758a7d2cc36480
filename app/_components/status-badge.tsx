import type { OperationStatus } from "@/server/domain/statuses";

const STYLES: Record<OperationStatus, string> = {
  accepted: "bg-status-accepted/15 text-status-accepted-ink ring-status-accepted/40",
  processing: "bg-status-processing/15 text-status-processing-ink ring-status-processing/40",
  blocked: "bg-status-blocked/20 text-status-blocked-ink ring-status-blocked/50",
  failed: "bg-status-failed/15 text-status-failed-ink ring-status-failed/40",
  completed: "bg-status-completed/15 text-status-completed-ink ring-status-completed/40",
};

const DOTS: Record<OperationStatus, string> = {
  accepted: "bg-status-accepted",
  processing: "bg-status-processing",
  blocked: "bg-status-blocked",
  failed: "bg-status-failed",
  completed: "bg-status-completed",
};

/** The one badge for the five statuses, the same colour everywhere. */
export function StatusBadge({ status }: { status: OperationStatus }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}
    >
      <span className={`size-1.5 rounded-full ${DOTS[status]}`} aria-hidden />
      {status}
    </span>
  );
}

/** Text in a status's colour (counts, headers): the ink shade, readable on any background. */
export const STATUS_INK: Record<OperationStatus, string> = {
  accepted: "text-status-accepted-ink",
  processing: "text-status-processing-ink",
  blocked: "text-status-blocked-ink",
  failed: "text-status-failed-ink",
  completed: "text-status-completed-ink",
};
