-- Refresh tokens bound to their client; keys published before they sign; machine clients;
-- single-use password reset tokens.
ALTER TABLE refresh_tokens ADD COLUMN client_id text NOT NULL DEFAULT 'switchyard-web';
ALTER TABLE refresh_tokens ALTER COLUMN client_id DROP DEFAULT;
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);

ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX users_created_at_id_idx ON users (created_at, id);

CREATE TABLE oauth_clients (
  client_id   text PRIMARY KEY,
  name        text NOT NULL,
  secret_hash text NOT NULL,
  scopes      text[] NOT NULL DEFAULT ARRAY[]::text[],
  disabled    boolean NOT NULL DEFAULT false,
  created_by  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE password_reset_tokens (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
