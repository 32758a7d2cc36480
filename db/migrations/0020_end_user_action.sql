-- End-user actions (issue 12): a block that waits for the end user's answer to a step's form, and the
-- audit records of that answer, given by the track link's holder (actor end_user) or by staff for them.
ALTER TYPE "public"."audit_action" ADD VALUE 'end_user_action_submitted' BEFORE 'workflow_paused';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'end_user_action_resolved' BEFORE 'workflow_paused';--> statement-breakpoint
ALTER TYPE "public"."audit_actor_kind" ADD VALUE 'end_user';--> statement-breakpoint
ALTER TYPE "public"."block_kind" ADD VALUE 'awaiting_end_user';