-- Machine clients can be revoked (who and when, for the audit trail) and have their secret
-- rotated: the replaced secret's hash keeps working until previous_secret_expires_at. The
-- admin list pages on (created_at, client_id).
ALTER TABLE oauth_clients
  ADD COLUMN revoked_at                 timestamptz,
  ADD COLUMN revoked_by                 text,
  ADD COLUMN previous_secret_hash       text,
  ADD COLUMN previous_secret_expires_at timestamptz,
  ADD COLUMN secret_rotated_at          timestamptz;

-- A revocation is for ever: a revoked client is never enabled again (the denylist sync reads this).
UPDATE oauth_clients SET revoked_at = now(), revoked_by = 'migration' WHERE disabled;

CREATE INDEX oauth_clients_created_at_client_id_idx ON oauth_clients (created_at, client_id);
