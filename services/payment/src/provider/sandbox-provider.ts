import { createHash } from 'node:crypto';
import type { ChargeRequest, ChargeResult, PaymentProvider } from './payment-provider.js';

/** The sandbox's test payment methods and what each does. */
export const sandboxPaymentMethods: Record<
  string,
  { outcome: 'succeeds' } | { outcome: 'declines'; reason: string }
> = {
  pm_card_visa: { outcome: 'succeeds' },
  pm_card_mastercard: { outcome: 'succeeds' },
  pm_card_declined: { outcome: 'declines', reason: 'card_declined' },
  pm_card_insufficient_funds: { outcome: 'declines', reason: 'insufficient_funds' },
};

/**
 * A deterministic local provider for development and tests: the outcome depends only on the
 * payment method, and the charge id only on the idempotency key, so retrying a charge returns
 * the same charge, as a real provider's idempotency does.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (!Number.isInteger(request.amountMinor) || request.amountMinor < 0) {
      throw new Error('amount must be a non-negative integer in minor units');
    }
    const chargeId = `ch_sbx_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`;
    const method = sandboxPaymentMethods[request.paymentMethod];
    if (!method) return { status: 'declined', chargeId, reason: 'unknown_payment_method' };
    if (method.outcome === 'declines')
      return { status: 'declined', chargeId, reason: method.reason };
    return { status: 'succeeded', chargeId };
  }
}
