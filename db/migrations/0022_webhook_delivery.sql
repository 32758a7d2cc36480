-- Outbound webhook delivery (issue 11): the alert on an endpoint that keeps failing, and the audited
-- admin changes to endpoints (registered, disabled, re-enabled) and a delivery sent again.
ALTER TYPE "public"."alert_rule" ADD VALUE 'webhook_failing';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'webhook_endpoint_created';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'webhook_endpoint_disabled';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'webhook_endpoint_enabled';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'webhook_redelivered';