import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'switchyard-signature';

/**
 * `Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` —
 * documented with a verification example in docs/notifications.md.
 */
export function signPayload(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
