-- A transaction that NOTIFYs takes a cluster-wide lock at commit and holds it through its
-- WAL flush: every notifying commit waits for the one before it. The engine commits every
-- step (several thousand statements a second at full load), so a NOTIFY in each of them made
-- every commit queue behind all the others (measured: p50 22 ms per engine commit, 4 ms
-- without). The engine now sets `throughline.defer_notify` for its own statements and sends
-- one NOTIFY on this channel after its commits, at most every few milliseconds
-- (server/engine/events-notifier.ts). Every other writer (intake, operator actions) still
-- notifies from here; live readers re-read from their cursor, so who notifies is immaterial.
CREATE OR REPLACE FUNCTION "throughline_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('throughline.defer_notify', true), '') <> 'on' THEN
    PERFORM pg_notify('throughline_events', '');
  END IF;
  RETURN NULL;
END
$$;
