-- The expiry sweep backs off per order: one that cannot be expired is skipped for a while and
-- never keeps the others waiting (issue 11, item 17).
ALTER TABLE orders
  ADD COLUMN expiry_failures integer NOT NULL DEFAULT 0,
  ADD COLUMN expiry_next_at  timestamptz;
