-- A charge that succeeds after its period was paid by another attempt (the provider took money
-- the platform had given up on, or a retry and a late answer both went through) is `surplus`:
-- invoiced like every successful charge and refunded in full. It is not a second payment of
-- the period, so the one-paid-period index does not count it.
ALTER TABLE subscription_charges DROP CONSTRAINT subscription_charges_status_check;
ALTER TABLE subscription_charges ADD CONSTRAINT subscription_charges_status_check
  CHECK (status IN ('pending', 'succeeded', 'failed', 'surplus'));
