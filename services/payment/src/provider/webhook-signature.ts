import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'sandbox-signature';

export type SignatureCheck =
  { valid: true } | { valid: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Check a provider webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The raw body is what was signed — parsing and re-serialising it would break the check. A
 * timestamp outside the tolerance is refused, so a captured delivery cannot be replayed later.
 * Several v1 entries are accepted (a provider rotating its secret signs with both).
 */
export function checkWebhookSignature(options: {
  header: string | undefined;
  rawBody: string;
  secret: string;
  toleranceSeconds: number;
  nowSeconds?: number;
}): SignatureCheck {
  if (!options.header) return { valid: false, reason: 'missing' };
  const parts = options.header.split(',').map((p) => p.trim().split('='));
  const timestamp = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? ''));
  if (!Number.isInteger(timestamp) || signatures.length === 0)
    return { valid: false, reason: 'malformed' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > options.toleranceSeconds)
    return { valid: false, reason: 'stale' };
  const expected = createHmac('sha256', options.secret)
    .update(`${timestamp}.${options.rawBody}`)
    .digest();
  const matches = signatures.some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
  return matches ? { valid: true } : { valid: false, reason: 'mismatch' };
}
