import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/, spec v1): every delivery carries
 *   webhook-id         the event's id, the same on every retry (receivers dedupe on it)
 *   webhook-timestamp  unix seconds when this attempt was signed
 *   webhook-signature  space-separated `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`,
 *                      one per secret that is valid (two while a rotated secret overlaps)
 * where key is the secret after `whsec_`, base64-decoded. Any Standard Webhooks library
 * verifies it (docs/notifications.md).
 */
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** The HMAC key of a `whsec_<base64>` secret. Node's decoder also reads base64url, which
 * secrets issued before Standard Webhooks used. */
export function signingKeyOf(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret,
    'base64',
  );
}

export function standardSignature(
  secrets: string[],
  messageId: string,
  timestamp: number,
  body: string,
): string {
  return secrets
    .map((secret) => {
      const mac = createHmac('sha256', signingKeyOf(secret))
        .update(`${messageId}.${timestamp}.${body}`)
        .digest('base64');
      return `v1,${mac}`;
    })
    .join(' ');
}

/**
 * The header before Standard Webhooks, sent alongside during the migration period
 * (docs/notifications.md): `Switchyard-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>`
 * with the whole secret string as the key.
 */
export const LEGACY_SIGNATURE_HEADER = 'switchyard-signature';
export function legacySignature(secrets: string[], timestamp: number, body: string): string {
  const macs = secrets.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  return [`t=${timestamp}`, ...macs].join(',');
}
