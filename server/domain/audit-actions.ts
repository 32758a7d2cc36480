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
  // Durable waits (issue 12): a scheduled step run before its time; a wait completed by a person
  "timer_run_now",
  "wait_completed_by_hand",
  // The sandbox page playing the outside system: an acknowledgment, failure or heartbeat fired by hand
  "sandbox_acknowledgment_sent",
  // A step's end-user form (issue 12): answered by the end user's track link, or by staff for them
  "end_user_action_submitted",
  "end_user_action_resolved",
  // Workflow types
  "workflow_paused",
  "workflow_resumed",
  // Bulk actions (one record for the bulk action; each operation touched gets its own)
  "bulk_action_started",
  "bulk_action_paused",
  "bulk_action_resumed",
  "bulk_action_aborted",
  // Alerts; an admin overriding a rule's threshold for a workflow type (or turning it off), and putting the default back
  "alert_acknowledged",
  "alert_silenced",
  "alert_rule_changed",
  "alert_rule_reset",
  // Outbound webhooks (issue 11): endpoints registered, disabled, re-enabled; a delivery sent again
  "webhook_endpoint_created",
  "webhook_endpoint_disabled",
  "webhook_endpoint_enabled",
  "webhook_redelivered",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `end_user`: the holder of an operation's track link (no account; the link and the address say who). */
export const AUDIT_ACTOR_KINDS = ["user", "key", "system", "end_user"] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];
