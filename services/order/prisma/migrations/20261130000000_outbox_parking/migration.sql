-- Kafka may refuse a row for its own sake (too large, invalid): count refusals per row and
-- park the row after a few, so one row never blocks the outbox (packages/messaging).
ALTER TABLE outbox_events
  ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error text,
  ADD COLUMN parked_at  timestamptz;

DROP INDEX outbox_events_pending_idx;
CREATE INDEX outbox_events_pending_idx ON outbox_events (seq)
  WHERE published_at IS NULL AND parked_at IS NULL;
-- Pruning of published rows walks this.
CREATE INDEX outbox_events_published_at_idx ON outbox_events (published_at)
  WHERE published_at IS NOT NULL;
