-- Private signing keys are stored sealed (SecretBox, SIGNING_KEY_SEALING_KEY), never in plain
-- JSON. A plain row left by an earlier version is sealed by the first auth replica that loads
-- the keys (the key is in its config, not here), which then clears private_jwk.
ALTER TABLE signing_keys
  ADD COLUMN private_jwk_sealed text,
  ALTER COLUMN private_jwk DROP NOT NULL;
