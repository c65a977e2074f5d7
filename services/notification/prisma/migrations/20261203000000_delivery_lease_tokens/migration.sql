-- The owner token of a claim on an email or a webhook delivery: each claim writes a fresh one,
-- and only the claim that holds it may record the attempt's outcome (a replica whose lease ran
-- out while it was still sending must not overwrite what the next claim recorded).
ALTER TABLE "email_deliveries" ADD COLUMN "lease_token" UUID;
ALTER TABLE "webhook_deliveries" ADD COLUMN "lease_token" UUID;
