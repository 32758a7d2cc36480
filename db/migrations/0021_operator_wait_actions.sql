-- Durable waits (issue 12): an operator runs a scheduled step now, or completes a wait by hand (audited).
ALTER TYPE "public"."audit_action" ADD VALUE 'timer_run_now' BEFORE 'end_user_action_submitted';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'wait_completed_by_hand' BEFORE 'end_user_action_submitted';