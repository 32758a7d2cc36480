-- Durable timers (issue 12): a step scheduled for later and its timer firing are timeline facts.
ALTER TYPE "public"."event_type" ADD VALUE 'timer_scheduled';--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'timer_fired';