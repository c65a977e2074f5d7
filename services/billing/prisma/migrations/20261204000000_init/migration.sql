-- Billing: plans, subscriptions and their charges, invoices and credit notes, and the
-- transactional outbox / idempotent inbox. pg-boss keeps its own schema (`pgboss`).

-- Who is billed: a copy of the account's name, email and billing address (user.* events).
CREATE TABLE customers (
  user_id         uuid PRIMARY KEY,
  name            text NOT NULL,
  email           text NOT NULL,
  billing_address jsonb,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plans (
  id             uuid PRIMARY KEY,
  code           text NOT NULL UNIQUE,
  name           text NOT NULL,
  price_minor    integer NOT NULL CHECK (price_minor > 0),
  currency       char(3) NOT NULL,
  interval       text NOT NULL CHECK (interval IN ('month', 'year')),
  interval_count integer NOT NULL CHECK (interval_count BETWEEN 1 AND 12),
  trial_days     integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 730),
  tax_category   text NOT NULL DEFAULT 'standard',
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A subscription keeps the price it was sold at: a plan's price change is for new ones only.
CREATE TABLE subscriptions (
  id                   uuid PRIMARY KEY,
  user_id              uuid NOT NULL,
  plan_id              uuid NOT NULL REFERENCES plans (id),
  price_minor          integer NOT NULL CHECK (price_minor > 0),
  currency             char(3) NOT NULL,
  interval             text NOT NULL CHECK (interval IN ('month', 'year')),
  interval_count       integer NOT NULL CHECK (interval_count BETWEEN 1 AND 12),
  status               text NOT NULL
    CHECK (status IN ('incomplete', 'trialing', 'active', 'past_due', 'canceled')),
  payment_method       text NOT NULL,
  -- Periods are counted from here (the start, or the trial's end), so month ends do not drift.
  billing_anchor       timestamptz NOT NULL,
  -- An upgrade waiting for its prorated charge: applied when it is paid.
  pending_plan_id      uuid REFERENCES plans (id),
  current_period_start timestamptz NOT NULL,
  current_period_end   timestamptz NOT NULL,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  canceled_at          timestamptz,
  -- Dunning: failed attempts for the unpaid period, and when the next one is due.
  failed_attempts      integer NOT NULL DEFAULT 0,
  next_retry_at        timestamptz,
  idempotency_key      text,
  request_hash         text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, created_at DESC, id DESC);
-- The renewal sweep's two questions: whose period ended, whose retry is due.
CREATE INDEX subscriptions_period_end_idx ON subscriptions (current_period_end)
  WHERE status IN ('trialing', 'active');
CREATE INDEX subscriptions_retry_idx ON subscriptions (next_retry_at) WHERE status = 'past_due';

-- Every state change with who made it and why (the subscription's timeline).
CREATE TABLE subscription_transitions (
  id              uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  from_status     text,
  to_status       text NOT NULL,
  event           text NOT NULL,
  actor           text NOT NULL,
  reason          text,
  at              timestamptz NOT NULL
);
CREATE INDEX subscription_transitions_idx ON subscription_transitions (subscription_id, at, id);

-- One row per charge billing asks payment for; its id is the payment's id and the provider's
-- idempotency key (derived from subscription, period and attempt).
CREATE TABLE subscription_charges (
  id              uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  kind            text NOT NULL CHECK (kind IN ('period', 'proration')),
  period_start    timestamptz NOT NULL,
  period_end      timestamptz NOT NULL,
  attempt         integer NOT NULL CHECK (attempt >= 1),
  amount_minor    integer NOT NULL CHECK (amount_minor > 0),
  currency        char(3) NOT NULL,
  description     text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  failure_reason  text,
  refunded_minor  integer NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, kind, period_start, attempt)
);
-- A period is paid at most once, whatever races: the database refuses a second success.
CREATE UNIQUE INDEX subscription_charges_one_paid_period_idx
  ON subscription_charges (subscription_id, period_start)
  WHERE kind = 'period' AND status = 'succeeded';
-- At most one attempt in flight per subscription.
CREATE UNIQUE INDEX subscription_charges_one_pending_idx
  ON subscription_charges (subscription_id) WHERE status = 'pending';

-- A paid order's lines, kept from order.created until its invoice is issued on order.paid.
CREATE TABLE order_snapshots (
  order_id    uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  lines       jsonb NOT NULL,
  total_minor integer NOT NULL,
  currency    char(3) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Invoices and credit notes. Issued documents are never changed (a trigger refuses it).
CREATE TABLE billing_documents (
  id                 uuid PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  series             text NOT NULL,
  year               integer NOT NULL,
  seq                integer NOT NULL CHECK (seq >= 1),
  number             text NOT NULL UNIQUE,
  user_id            uuid NOT NULL,
  -- A credit note's invoice.
  invoice_id         uuid REFERENCES billing_documents (id),
  -- What it documents: an order (its id) or a subscription charge (the charge id); for a credit
  -- note, the refund's id.
  source_type        text NOT NULL CHECK (source_type IN ('order', 'subscription', 'refund')),
  source_id          uuid NOT NULL,
  seller             jsonb NOT NULL,
  buyer              jsonb NOT NULL,
  lines              jsonb NOT NULL,
  tax_lines          jsonb NOT NULL,
  prices_include_tax boolean NOT NULL,
  subtotal_minor     integer NOT NULL CHECK (subtotal_minor >= 0),
  tax_minor          integer NOT NULL CHECK (tax_minor >= 0),
  total_minor        integer NOT NULL CHECK (total_minor >= 0),
  currency           char(3) NOT NULL,
  payment_reference  text NOT NULL,
  period_start       timestamptz,
  period_end         timestamptz,
  issued_at          timestamptz NOT NULL,
  pdf                bytea NOT NULL,
  UNIQUE (series, year, seq),
  -- Every charge has exactly one invoice; every refund exactly one credit note.
  UNIQUE (kind, source_type, source_id)
);
CREATE INDEX billing_documents_user_idx ON billing_documents (user_id, issued_at DESC, id DESC);
CREATE INDEX billing_documents_issued_idx ON billing_documents (issued_at, id);

CREATE FUNCTION billing_documents_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'issued billing documents are immutable: issue a credit note instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_documents_immutable BEFORE UPDATE OR DELETE ON billing_documents
  FOR EACH ROW EXECUTE FUNCTION billing_documents_immutable();

-- The last number used per series and year: taken and used in the issuing transaction, so a
-- rolled-back issue gives its number back and the numbers have no gaps.
CREATE TABLE document_counters (
  series   text NOT NULL,
  year     integer NOT NULL,
  last_seq integer NOT NULL,
  PRIMARY KEY (series, year)
);

-- A refund seen before its invoice exists (the topics are not ordered with each other).
CREATE TABLE pending_credit_notes (
  refund_id    uuid PRIMARY KEY,
  source_type  text NOT NULL CHECK (source_type IN ('order', 'subscription')),
  source_id    uuid NOT NULL,
  amount_minor integer NOT NULL CHECK (amount_minor > 0),
  currency     char(3) NOT NULL,
  reason       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_credit_notes_source_idx ON pending_credit_notes (source_type, source_id);

-- Tests move billing's clock (BILLING_TEST_CLOCK=true only); shared by every replica.
CREATE TABLE test_clock (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  offset_ms bigint NOT NULL
);

CREATE TABLE outbox_events (
  id           uuid PRIMARY KEY,
  seq          bigserial NOT NULL UNIQUE,
  topic        text NOT NULL,
  message_key  text NOT NULL,
  event_type   text NOT NULL,
  headers      jsonb NOT NULL,
  payload      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  parked_at    timestamptz
);
CREATE INDEX outbox_events_pending_idx ON outbox_events (seq)
  WHERE published_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_events_published_at_idx ON outbox_events (published_at)
  WHERE published_at IS NOT NULL;

CREATE TABLE inbox_events (
  consumer     text NOT NULL,
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
