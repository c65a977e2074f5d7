-- Every claim on an Idempotency-Key carries its owner's token, and only the owner may complete
-- or release it: a request whose hold lapsed and was taken over by a retry can no longer
-- commit a second order. Nullable and without a default, so adding it changes only the
-- catalog (a volatile default would rewrite the table under ACCESS EXCLUSIVE, stopping every
-- placement meanwhile). Claims made before it — also by replicas of the previous version while
-- a rollout is under way — have no owner: they are taken over like any other lapsed claim, but
-- their own completion is not fenced (docs/operations.md, "Database timeouts").
ALTER TABLE idempotency_keys ADD COLUMN owner uuid;
