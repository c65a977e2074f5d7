-- Each refund the payment service reports, with when it happened: the sales report counts the
-- refunds of a window (orders.refunded_minor is only the running total, without a time).
-- Keyed by the payment service's refund id, so a redelivered payment.refunded adds nothing.
CREATE TABLE order_refunds (
  refund_id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  amount_minor integer NOT NULL CHECK (amount_minor > 0),
  currency char(3) NOT NULL,
  refunded_at timestamptz NOT NULL
);
CREATE INDEX order_refunds_refunded_at_idx ON order_refunds (refunded_at);

-- Refunds recorded before this table existed: one row per order for its running total, dated
-- by the order's last change (the closest time kept), under a fresh id.
INSERT INTO order_refunds (refund_id, order_id, amount_minor, currency, refunded_at)
SELECT gen_random_uuid(), id, refunded_minor, currency, updated_at
  FROM orders WHERE refunded_minor > 0;

-- The report finds the orders paid in a window by their timeline's "paid" entry: a small
-- partial index (one row per paid order) instead of a scan of every status change.
CREATE INDEX order_status_changes_paid_at_idx ON order_status_changes (created_at)
  WHERE to_status = 'paid';

-- ... and reaches those orders' lines by order: nothing indexed order_lines by its order yet.
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);
