/**
 * What an audit record can say happened: one closed set, defined once (database enum,
 * filters, CSV, UI labels). Operator actions on operations, people and keys, sign-ins.
 */
export const AUDIT_ACTIONS = [
  // People and sessions
  "signed_in",
  "signed_out",
  "first_admin_created",
  "user_created",
  "role_changed",
  "user_deactivated",
  "user_reactivated",
  // Service credentials
  "api_key_created",
  "api_key_revoked",
  // Operator actions on one operation
  "operation_retried",
  "step_replayed",
  "operation_resumed",
  "review_approved",
  "review_rejected",
  "step_skipped",
  "operation_compensated",
  "operation_cancelled",
  // Workflow types
  "workflow_paused",
  "workflow_resumed",
  // Bulk actions (one record for the bulk action; each operation touched gets its own)
  "bulk_action_started",
  "bulk_action_paused",
  "bulk_action_resumed",
  "bulk_action_aborted",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTOR_KINDS = ["user", "key", "system"] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

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
