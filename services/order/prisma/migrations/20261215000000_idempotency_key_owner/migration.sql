-- Every claim on an Idempotency-Key carries its owner's token, and only the owner may complete
-- or release it: a request whose hold lapsed and was taken over by a retry can no longer
-- commit a second order. Claims made before this migration get a token nobody holds.
ALTER TABLE idempotency_keys ADD COLUMN owner uuid NOT NULL DEFAULT gen_random_uuid();
