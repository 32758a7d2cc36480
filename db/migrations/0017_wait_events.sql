ALTER TYPE "public"."event_type" ADD VALUE 'wait_started';--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'acknowledged';--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'acknowledgment_refused';