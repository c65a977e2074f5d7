-- A payment is for an order (order.created) or for a subscription period (billing's
-- charge_requested, charged off-session): `purpose` says which, and exactly the matching
-- reference is set — an order payment has its order and no subscription, a subscription payment
-- the reverse. Order-only logic (cancellation tombstones, the order's charge lock, cancellation
-- refunds) keys on order_id, which a subscription payment never has, so it cannot misfire.
-- One table rather than two: both are charges through the same provider, idempotency key (the
-- payment id), state machine, webhook, reconciliation and watchdog.
-- Existing rows are all order payments (the default); new rows state their purpose.
ALTER TABLE payments
  ADD COLUMN purpose text NOT NULL DEFAULT 'order'
    CONSTRAINT payments_purpose_check CHECK (purpose IN ('order', 'subscription')),
  ADD COLUMN subscription_id uuid,
  -- What the provider shows the customer for an off-session charge (billing's description).
  ADD COLUMN description text,
  ALTER COLUMN order_id DROP NOT NULL,
  ADD CONSTRAINT payments_purpose_reference CHECK (
    (purpose = 'order' AND order_id IS NOT NULL AND subscription_id IS NULL) OR
    (purpose = 'subscription' AND subscription_id IS NOT NULL AND order_id IS NULL));
CREATE INDEX payments_subscription_id_idx ON payments (subscription_id)
  WHERE subscription_id IS NOT NULL;

-- A refund billing asked for that was refused without asking the provider (unknown or unpaid
-- charge, more than is left, another subscription's charge): remembered by its id, so a
-- redelivery is refused the same way and an operator finds why (no contract event exists).
CREATE TABLE rejected_refund_requests (
  refund_id       uuid PRIMARY KEY,
  charge_id       uuid NOT NULL,
  subscription_id uuid NOT NULL,
  amount_minor    integer NOT NULL,
  currency        char(3) NOT NULL,
  reason          text NOT NULL,
  detail          text NOT NULL,
  rejected_at     timestamptz NOT NULL DEFAULT now()
);
