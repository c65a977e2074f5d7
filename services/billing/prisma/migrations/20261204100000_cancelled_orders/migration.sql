-- An order that was cancelled is never paid, so never invoiced: a refund of a charge it did not
-- keep has no invoice to correct. Billing remembers which orders ended so, because that refund
-- (payment's topic) may be handled before or after the cancellation (order's topic).
CREATE TABLE cancelled_orders (
  order_id     uuid PRIMARY KEY,
  cancelled_at timestamptz NOT NULL DEFAULT now()
);
