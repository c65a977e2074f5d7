-- The provider speaks HTTP and webhooks now: payments remember what the provider said, refunds
-- get their own table, webhook events are deduplicated, and background jobs take leases.
ALTER TABLE payments
  ADD COLUMN amount_refunded_minor integer NOT NULL DEFAULT 0 CHECK (amount_refunded_minor >= 0),
  ADD COLUMN order_cancelled boolean NOT NULL DEFAULT false,
  ADD COLUMN provider_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN last_provider_error text,
  ADD CONSTRAINT payments_refunds_within_captured CHECK (amount_refunded_minor <= amount_minor);
CREATE UNIQUE INDEX payments_provider_charge_id_key ON payments (provider_charge_id);
CREATE INDEX payments_pending_idx ON payments (updated_at) WHERE status = 'pending';
CREATE INDEX payments_created_at_idx ON payments (created_at DESC, id DESC);

CREATE TABLE payment_refunds (
  id                 uuid PRIMARY KEY,
  payment_id         uuid NOT NULL REFERENCES payments (id),
  amount_minor       integer NOT NULL CHECK (amount_minor > 0),
  status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason             text NOT NULL,
  requested_by       text NOT NULL,
  idempotency_key    text,
  provider_refund_id text UNIQUE,
  last_provider_error text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, idempotency_key)
);
CREATE INDEX payment_refunds_pending_idx ON payment_refunds (updated_at) WHERE status = 'pending';

CREATE TABLE provider_webhook_events (
  id          text PRIMARY KEY,
  type        text NOT NULL,
  charge_id   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_leases (
  name        text PRIMARY KEY,
  holder      text NOT NULL,
  lease_until timestamptz NOT NULL
);
