import type { SecretBox } from '@switchyard/service-kit';
import type { Db } from '../db.js';

/**
 * Seal every stored webhook secret (current and overlapping previous) with the keyring's newest
 * key, so an older WEBHOOK_SECRETS_KEY can be dropped: the last step of a rotation. Each row is
 * written only if it still holds what was read (a rotation meanwhile wins; run again). Safe to
 * run while the service runs, and again.
 */
export async function resealWebhookSecrets(
  db: Db,
  box: SecretBox,
): Promise<{ endpoints: number; resealed: number }> {
  const endpoints = await db.webhookEndpoint.findMany({
    select: { id: true, secretCiphertext: true, previousSecretCiphertext: true },
  });
  let resealed = 0;
  for (const endpoint of endpoints) {
    const stale = (sealed: string | null) => sealed !== null && !box.isCurrent(sealed);
    if (!stale(endpoint.secretCiphertext) && !stale(endpoint.previousSecretCiphertext)) continue;
    const reseal = (sealed: string | null) =>
      sealed === null || box.isCurrent(sealed) ? sealed : box.seal(box.open(sealed));
    const written = await db.webhookEndpoint.updateMany({
      where: {
        id: endpoint.id,
        secretCiphertext: endpoint.secretCiphertext,
        previousSecretCiphertext: endpoint.previousSecretCiphertext,
      },
      data: {
        secretCiphertext: reseal(endpoint.secretCiphertext)!,
        previousSecretCiphertext: reseal(endpoint.previousSecretCiphertext),
      },
    });
    resealed += written.count;
  }
  return { endpoints: endpoints.length, resealed };
}
