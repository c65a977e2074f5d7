-- Payments and the outbox / inbox.
CREATE TABLE payments (
  id                 uuid PRIMARY KEY,
  order_id           uuid NOT NULL UNIQUE,
  user_id            uuid NOT NULL,
  amount_minor       integer NOT NULL CHECK (amount_minor >= 0),
  currency           char(3) NOT NULL,
  payment_method     text NOT NULL,
  status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider_charge_id text,
  failure_reason     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_user_id_idx ON payments (user_id);

CREATE TABLE outbox_events (
  id           uuid PRIMARY KEY,
  seq          bigserial NOT NULL UNIQUE,
  topic        text NOT NULL,
  message_key  text NOT NULL,
  event_type   text NOT NULL,
  headers      jsonb NOT NULL,
  payload      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_events_pending_idx ON outbox_events (seq) WHERE published_at IS NULL;

CREATE TABLE inbox_events (
  consumer     text NOT NULL,
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
