import type { OperationStatus } from "@/server/domain/statuses";

const STYLES: Record<OperationStatus, string> = {
  accepted: "bg-status-accepted/15 text-status-accepted ring-status-accepted/30",
  processing: "bg-status-processing/15 text-status-processing ring-status-processing/30",
  blocked: "bg-status-blocked/15 text-status-blocked ring-status-blocked/40",
  failed: "bg-status-failed/15 text-status-failed ring-status-failed/30",
  completed: "bg-status-completed/15 text-status-completed ring-status-completed/30",
};

/** The one badge for the five statuses, the same colour everywhere. */
export function StatusBadge({ status }: { status: OperationStatus }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}
    >
      <span className="size-1.5 rounded-full bg-current" aria-hidden />
      {status}
    </span>
  );
}
