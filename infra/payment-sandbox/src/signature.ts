import { createHmac } from 'node:crypto';

/**
 * Stripe's webhook signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `<t>.<raw body>` with the endpoint's secret (`whsec_…`), which
 * `stripe.webhooks.constructEvent(body, header, secret)` verifies.
 */
export const SIGNATURE_HEADER = 'stripe-signature';

export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
