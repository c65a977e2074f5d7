-- The saga watchdog backs off per item: a payment or refund it failed to move is looked at
-- again later, and never keeps the rest of the list waiting (issue 11, item 17).
ALTER TABLE payments
  ADD COLUMN watchdog_failures integer NOT NULL DEFAULT 0,
  ADD COLUMN watchdog_next_at  timestamptz;
ALTER TABLE payment_refunds
  ADD COLUMN watchdog_failures integer NOT NULL DEFAULT 0,
  ADD COLUMN watchdog_next_at  timestamptz;
