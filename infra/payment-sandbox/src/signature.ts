import { createHmac } from 'node:crypto';

/**
 * The sandbox's webhook signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `<t>.<raw body>` with the endpoint's secret — the timestamp is signed so a captured delivery
 * cannot be replayed later.
 */
export const SIGNATURE_HEADER = 'sandbox-signature';

export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
