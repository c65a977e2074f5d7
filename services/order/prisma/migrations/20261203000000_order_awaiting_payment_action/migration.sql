-- An order whose payment waits for the customer (3-D Secure): its own state, within its expiry.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
  'pending_payment', 'awaiting_payment_action', 'paid', 'fulfilled', 'cancelled', 'refunded',
  'partially_refunded'
));
