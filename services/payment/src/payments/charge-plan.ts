import type { ProviderCharge } from '../provider/provider-types.js';

export type PaymentStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed';

export interface PaymentState {
  status: PaymentStatus;
  amountMinor: number;
  amountRefundedMinor: number;
  /**
   * Charged off-session (a subscription charge): there is no customer present to act, so a
   * charge that asks for them is a failure (`authentication_required`), as Stripe reports it
   * for `off_session: true` — never a wait.
   */
  offSession?: boolean;
}

/** Why an off-session charge that needed its customer failed (Stripe's error code for it). */
export const AUTHENTICATION_REQUIRED = 'authentication_required';

export interface RefundState {
  id: string;
  providerRefundId: string | null;
  status: string;
  amountMinor: number;
}

export interface ChargePlan {
  status?:
    | { to: 'succeeded' }
    | { to: 'failed'; reason: string }
    | { to: 'requires_action'; url: string | null; clientSecret: string | null };
  /** Refunds we asked for that the provider now reports done. */
  refundsSucceeded: { refundId: string; providerRefundId: string; amountMinor: number }[];
  /** Refunds made at the provider that we never asked for (dashboard, dispute, ...). */
  refundsDiscovered: { providerRefundId: string; amountMinor: number; reason: string }[];
}

/**
 * The payment state machine as one pure function: what to change so our payment agrees with
 * the provider's view of its charge (pending → requires_action while the customer must act →
 * succeeded | failed). It only ever moves forward — a charge settles once, a
 * refund counts once — so applying snapshots in any order, any number of times, converges
 * (an old snapshot taken before a refund adds nothing; a refund seen first brings its charge's
 * success with it). The provider is the truth about money: a charge it reports succeeded is
 * succeeded here even if we had given up on it, and then gets refunded if its order is gone.
 */
export function planChargeUpdate(
  payment: PaymentState,
  refunds: RefundState[],
  charge: ProviderCharge,
): ChargePlan {
  const plan: ChargePlan = { refundsSucceeded: [], refundsDiscovered: [] };
  const unsettled = payment.status === 'pending' || payment.status === 'requires_action';
  if (charge.status === 'succeeded' && payment.status !== 'succeeded')
    plan.status = { to: 'succeeded' };
  else if (charge.status === 'failed' && unsettled)
    plan.status = { to: 'failed', reason: charge.failure_code ?? 'failed' };
  // Waiting for the customer is a step forward from pending, never back from anything else.
  else if (charge.next_action && payment.status === 'pending' && payment.offSession)
    plan.status = { to: 'failed', reason: AUTHENTICATION_REQUIRED };
  else if (charge.next_action && payment.status === 'pending')
    plan.status = {
      to: 'requires_action',
      url: charge.next_action.redirect_url,
      clientSecret: charge.next_action.client_secret,
    };

  for (const providerRefund of charge.refunds) {
    if (providerRefund.status !== 'succeeded') continue;
    const ours = refunds.find(
      (r) => r.providerRefundId === providerRefund.id || r.id === providerRefund.metadata.refund_id,
    );
    if (ours?.status === 'succeeded') continue;
    if (ours)
      plan.refundsSucceeded.push({
        refundId: ours.id,
        providerRefundId: providerRefund.id,
        amountMinor: providerRefund.amount,
      });
    else
      plan.refundsDiscovered.push({
        providerRefundId: providerRefund.id,
        amountMinor: providerRefund.amount,
        reason: providerRefund.metadata.reason ?? 'refunded at the provider',
      });
  }
  return plan;
}

export const planChangesNothing = (plan: ChargePlan) =>
  !plan.status && plan.refundsSucceeded.length === 0 && plan.refundsDiscovered.length === 0;
