CREATE TYPE "public"."webhook_delivery_status" AS ENUM('pending', 'delivered', 'dead');--> statement-breakpoint
CREATE TYPE "public"."webhook_format" AS ENUM('standard', 'slack');--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"status_code" integer,
	"latency_ms" integer NOT NULL,
	"response_excerpt" text,
	"error" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outbox_id" bigint NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"operation_id" uuid,
	"status" "webhook_delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"event_types" text[] NOT NULL,
	"workflow_types" text[],
	"secret" text NOT NULL,
	"format" "webhook_format" DEFAULT 'standard' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"operation_id" uuid,
	"workflow_type" text,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_outbox_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_outbox_id_webhook_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."webhook_outbox"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at","id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_order_idx" ON "webhook_deliveries" USING btree ("endpoint_id","operation_id","id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_outbox_operation_idx" ON "webhook_outbox" USING btree ("operation_id","id");--> statement-breakpoint
-- The one place an outbound event is written (writeOutbox calls it; so does the trigger below):
-- the event and its fan-out to every enabled endpoint that wants it, in the caller's transaction.
-- Nothing is written when no endpoint listens, so intake and the engine pay one tiny lookup.
CREATE FUNCTION throughline_webhook_emit(p_type text, p_operation uuid, p_workflow_type text, p_data jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_outbox bigint;
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM webhook_endpoints e
    WHERE e.enabled AND p_type = ANY (e.event_types)
      AND (e.workflow_types IS NULL OR p_workflow_type IS NULL OR p_workflow_type = ANY (e.workflow_types))
  ) THEN
    RETURN;
  END IF;
  INSERT INTO webhook_outbox (message_id, type, operation_id, workflow_type, data)
  VALUES ('msg_' || replace(gen_random_uuid()::text, '-', ''), p_type, p_operation, p_workflow_type, p_data)
  RETURNING id INTO v_outbox;
  INSERT INTO webhook_deliveries (outbox_id, endpoint_id, operation_id)
  SELECT v_outbox, e.id, p_operation FROM webhook_endpoints e
  WHERE e.enabled AND p_type = ANY (e.event_types)
    AND (e.workflow_types IS NULL OR p_workflow_type IS NULL OR p_workflow_type = ANY (e.workflow_types));
END $$;
--> statement-breakpoint
-- Every status change of an operation, whoever commits it (engine, operator action, bulk), reports
-- itself in its own transaction: a rolled-back change leaves no event, a committed one always one.
-- A trigger rather than a call in each writer so no path can forget it; the WHEN clause keeps the
-- engine's many same-status updates free of any function call.
CREATE FUNCTION throughline_operation_status_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_data jsonb := jsonb_build_object(
    'operationId', NEW.id, 'workflowType', NEW.type, 'version', NEW.version,
    'from', OLD.status, 'status', NEW.status, 'subject', NEW.subject, 'reference', NEW.reference,
    'blockedKind', NEW.blocked_kind, 'blockedReason', NEW.blocked_reason,
    'actionRequired', NEW.action_required, 'traceId', NEW.trace_id, 'at', NEW.updated_at);
BEGIN
  IF NEW.synthetic THEN RETURN NULL; END IF;
  PERFORM throughline_webhook_emit('operation.status_changed', NEW.id, NEW.type, v_data);
  IF NEW.status IN ('blocked', 'completed', 'failed') THEN
    PERFORM throughline_webhook_emit('operation.' || NEW.status::text, NEW.id, NEW.type, v_data);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER operations_status_outbox AFTER UPDATE OF status ON operations
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION throughline_operation_status_outbox();
