-- More channels: realtime (an ordered id per notification for SSE resume), HTML email,
-- preferences per user × channel × category, and signed outgoing webhooks.
ALTER TABLE notifications
  ADD COLUMN seq bigserial NOT NULL UNIQUE,
  ADD COLUMN event_type text NOT NULL DEFAULT 'unknown',
  -- false when the user turned the in-app channel off for this category (kept for the email).
  ADD COLUMN in_app boolean NOT NULL DEFAULT true;
CREATE INDEX notifications_user_id_seq_idx ON notifications (user_id, seq);

ALTER TABLE email_deliveries ADD COLUMN html_body text;

CREATE TABLE notification_preferences (
  user_id    uuid NOT NULL,
  channel    text NOT NULL CHECK (channel IN ('email', 'in_app', 'webhook')),
  category   text NOT NULL CHECK (category IN ('account', 'order', 'payment')),
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, channel, category)
);

CREATE TABLE webhook_endpoints (
  id                uuid PRIMARY KEY,
  -- A user's id, or a machine client's id (integrators receive every event of their types).
  owner_kind        text NOT NULL CHECK (owner_kind IN ('user', 'client')),
  owner_id          text NOT NULL,
  url               text NOT NULL,
  event_types       text[] NOT NULL,
  description       text,
  -- AES-256-GCM under WEBHOOK_SECRETS_KEY: iv.tag.ciphertext, base64url.
  secret_ciphertext text NOT NULL,
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  disabled_reason   text,
  failing_since     timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_owner_idx ON webhook_endpoints (owner_kind, owner_id);

CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         text NOT NULL,
  event_type       text NOT NULL,
  payload          text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- Exactly one delivery per event and endpoint, however often the event is consumed.
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id           uuid PRIMARY KEY,
  delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  status_code  integer,
  error        text,
  duration_ms  integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery_id_idx ON webhook_attempts (delivery_id);
