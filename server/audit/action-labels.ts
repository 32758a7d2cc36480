import type { AuditAction } from "@/server/domain/audit-actions";

/** Words for people: the Audit page, the operation's history, the CSV. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  signed_in: "Signed in",
  signed_out: "Signed out",
  first_admin_created: "First admin created",
  user_created: "Person added",
  role_changed: "Role changed",
  user_deactivated: "Person deactivated",
  user_reactivated: "Person reactivated",
  api_key_created: "API key created",
  api_key_revoked: "API key revoked",
  operation_retried: "Retried now",
  step_replayed: "Step replayed",
  operation_resumed: "Resumed",
  review_approved: "Review approved",
  review_rejected: "Review rejected",
  step_skipped: "Step skipped (override)",
  operation_compensated: "Compensation started",
  operation_cancelled: "Cancelled",
  workflow_paused: "Workflow paused",
  workflow_resumed: "Workflow resumed",
  bulk_action_started: "Bulk action started",
  bulk_action_paused: "Bulk action paused",
  bulk_action_resumed: "Bulk action resumed",
  bulk_action_aborted: "Bulk action aborted",
};
