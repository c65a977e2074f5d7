#!/usr/bin/env node
// Reseal every stored webhook secret with the newest WEBHOOK_SECRETS_KEY, the last step of a
// rotation before the old key is dropped (docs/operations.md, "Rotate keys"):
// `pnpm --filter @switchyard/notification reseal-webhook-secrets`.
// Reads DATABASE_URL and WEBHOOK_SECRETS_KEY (the keyring: new key first, the old one still listed).
// Prints counts only; never a secret.
import { Type } from '@sinclair/typebox';
import { DatabaseEnv, loadConfigOrExit, SealingKeyring, SecretBox } from '@switchyard/service-kit';
import { createDb } from '../db.js';
import { resealWebhookSecrets } from '../webhooks/reseal-webhook-secrets.js';

const config = loadConfigOrExit(
  Type.Composite([DatabaseEnv, Type.Object({ WEBHOOK_SECRETS_KEY: SealingKeyring() })]),
);
const box = new SecretBox(config.WEBHOOK_SECRETS_KEY, 'WEBHOOK_SECRETS_KEY');
const db = createDb(config.DATABASE_URL);
try {
  const { endpoints, resealed } = await resealWebhookSecrets(db, box);
  console.log(
    `${resealed} of ${endpoints} webhook endpoints resealed under key ${box.currentKeyId}`,
  );
  const left = await db.webhookEndpoint.findMany({
    select: { secretCiphertext: true, previousSecretCiphertext: true },
  });
  const stale = left.filter(
    (e) =>
      !box.isCurrent(e.secretCiphertext) ||
      (e.previousSecretCiphertext !== null && !box.isCurrent(e.previousSecretCiphertext)),
  ).length;
  if (stale > 0) {
    console.error(`${stale} changed meanwhile and still use an older key: run again`);
    process.exitCode = 1;
  } else {
    console.log('no webhook secret is sealed under an older key: the older keys can be dropped');
  }
} finally {
  await db.$disconnect();
}
