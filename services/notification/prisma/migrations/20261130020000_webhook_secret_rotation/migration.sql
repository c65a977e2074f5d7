-- Secret rotation: the secret being replaced stays valid (deliveries are signed with both)
-- until previous_secret_expires_at.
ALTER TABLE "webhook_endpoints"
  ADD COLUMN "previous_secret_ciphertext" TEXT,
  ADD COLUMN "previous_secret_expires_at" TIMESTAMPTZ;
