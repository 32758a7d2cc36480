-- Outbound webhooks: a delivery that must wait behind an earlier pending one of the same operation
-- and endpoint is written due no earlier than that one (its retry time), so the deliverer's scan of
-- due deliveries (webhook_deliveries_due_idx) does not read every event piled up behind a failing
-- receiver on each pass. The deliverer moves the followers with the head (deliver.ts: pushed back on
-- a failed try, due at once when the head is settled). Same fan-out as 0009 otherwise.
CREATE OR REPLACE FUNCTION throughline_webhook_emit(p_type text, p_operation uuid, p_workflow_type text, p_data jsonb)
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
  INSERT INTO webhook_deliveries (outbox_id, endpoint_id, operation_id, next_attempt_at)
  SELECT v_outbox, e.id, p_operation, greatest(now(), (
    -- webhook_deliveries_order_idx: the pending ones of this operation for this endpoint.
    SELECT max(p.next_attempt_at) FROM webhook_deliveries p
    WHERE p_operation IS NOT NULL AND p.endpoint_id = e.id AND p.operation_id = p_operation AND p.status = 'pending'))
  FROM webhook_endpoints e
  WHERE e.enabled AND p_type = ANY (e.event_types)
    AND (e.workflow_types IS NULL OR p_workflow_type IS NULL OR p_workflow_type = ANY (e.workflow_types));
END $$;
