-- Account self-service (issue 22): verified email addresses, sessions a person can see and
-- sign out, and accounts deleted by their owner.

-- When the current address was proven (null: not yet). Accounts from before are unverified.
-- A deleted account keeps its row (anonymised, disabled) so its id is never reused and the
-- audit trail's entries still name a known id.
ALTER TABLE users
  ADD COLUMN email_verified_at timestamptz,
  ADD COLUMN deleted_at timestamptz;

-- What a session shows its owner: the device (user agent) and IP it signed in from. Copied to
-- each token of the family as it rotates; the newest token's created_at is the last use.
ALTER TABLE refresh_tokens
  ADD COLUMN user_agent text,
  ADD COLUMN ip text;

-- Single-use, expiring proofs of an address, stored as SHA-256 hashes. `email` is the address
-- proven: the account's own (purpose verify) or the one it moves to (purpose change).
CREATE TABLE email_verification_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('verify', 'change')),
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_verification_tokens_user_idx ON email_verification_tokens (user_id);

-- Sessions signed out by their owner (or ended by a password change or an account deletion):
-- their access tokens are on the denylist (by `sid`) for an access token's lifetime, and the
-- denylist sync writes recent ones again if Redis lost them. Old rows are useless but harmless.
CREATE TABLE session_sign_outs (
  session_id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  signed_out_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_sign_outs_recent_idx ON session_sign_outs (signed_out_at);
