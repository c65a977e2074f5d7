-- The customer's billing address, for the invoices billing issues: null until they give one.
-- Kept as one JSON object in the shape of the BillingAddress contract (validated by the API and
-- sent whole in user.profile_updated); nothing in auth queries inside it.
ALTER TABLE users
  ADD COLUMN billing_address jsonb,
  ADD CONSTRAINT users_billing_address_is_object
    CHECK (billing_address IS NULL OR jsonb_typeof(billing_address) = 'object');
