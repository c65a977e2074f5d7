import Stripe from 'stripe';

export const SIGNATURE_HEADER = 'stripe-signature';

export type WebhookCheck =
  | { valid: true; event: Stripe.Event }
  | { valid: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' | 'not_json' };

/**
 * Check a provider webhook with the SDK's own verifier (`Stripe-Signature: t=…,v1=…`, an
 * HMAC-SHA256 of "<t>.<raw body>"): the raw body is what was signed — parsing and re-serialising
 * it would break the check. A timestamp outside the tolerance is refused, so a captured
 * delivery cannot be replayed later; several v1 entries (a secret being rolled) are accepted.
 */
export function verifyWebhook(options: {
  sdk: Stripe;
  header: string | undefined;
  rawBody: string;
  secret: string;
  toleranceSeconds: number;
}): WebhookCheck {
  if (!options.header) return { valid: false, reason: 'missing' };
  try {
    const event = options.sdk.webhooks.constructEvent(
      options.rawBody,
      options.header,
      options.secret,
      options.toleranceSeconds,
    );
    return { valid: true, event };
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError))
      return { valid: false, reason: 'not_json' };
    const message = error.message;
    if (/tolerance/i.test(message)) return { valid: false, reason: 'stale' };
    if (/No signatures found matching/i.test(message)) return { valid: false, reason: 'mismatch' };
    return { valid: false, reason: 'malformed' };
  }
}
