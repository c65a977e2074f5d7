-- A payment the provider holds until the customer acts (3-D Secure): its own state, and what
-- the customer needs to finish it (the provider's page, and the client secret its SDKs take).
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('pending', 'requires_action', 'succeeded', 'failed'));
ALTER TABLE payments ADD COLUMN action_url text;
ALTER TABLE payments ADD COLUMN action_client_secret text;
