-- Webhook retention (pruneWebhooks): old events found by their time; an event's deliveries by the event
-- (retention's "none pending" check and the ON DELETE CASCADE from webhook_outbox).
CREATE INDEX "webhook_deliveries_outbox_idx" ON "webhook_deliveries" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "webhook_outbox_created_idx" ON "webhook_outbox" USING btree ("created_at");