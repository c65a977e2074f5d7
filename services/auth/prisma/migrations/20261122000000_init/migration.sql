-- Users, refresh-token families, signing keys, and the outbox / inbox.
CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL UNIQUE CHECK (email = lower(email)),
  name          text NOT NULL,
  password_hash text NOT NULL,
  roles         text[] NOT NULL DEFAULT ARRAY['customer'],
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id  uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);

CREATE TABLE signing_keys (
  kid         text PRIMARY KEY,
  algorithm   text NOT NULL,
  public_jwk  jsonb NOT NULL,
  private_jwk jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
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
