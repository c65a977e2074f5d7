import type Stripe from 'stripe';
import { newId, unixSeconds } from '../ids.js';

/**
 * A Stripe Charge with two sandbox extensions, both in milliseconds (Stripe's `created` counts
 * whole seconds, too coarse to order a charge against an event in the same second):
 *
 * - `created_ms`: when the charge was made.
 * - `requested_ms`: when the request that made it arrived — before any delay its test card
 *   adds (a hang, a slow answer), so it can be well before `created_ms`. The cross-database
 *   consistency check (packages/testing) compares it with the order's recorded cancellation:
 *   no charge may be requested after it, while a request in doubt (its client gave up) may
 *   still become a charge after it.
 *
 * Its `refunds` list is only there when expanded (`expand[]=refunds`), as in this API version.
 */
export type SandboxCharge = Stripe.Charge & { created_ms: number; requested_ms: number };

const billingDetails = (): Stripe.Charge.BillingDetails => ({
  address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
  email: null,
  name: null,
  phone: null,
  tax_id: null,
});

/** A new charge of a PaymentIntent's attempt, pending until its outcome is known. */
export function newCharge(input: {
  intent: Stripe.PaymentIntent;
  paymentMethod: Stripe.PaymentMethod;
  requestedMs: number;
}): SandboxCharge {
  const { intent, paymentMethod } = input;
  const now = Date.now();
  const card = paymentMethod.card!;
  return {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: billingDetails(),
    calculated_statement_descriptor: 'SWITCHYARD SANDBOX',
    captured: false,
    created: unixSeconds(now),
    created_ms: now,
    requested_ms: input.requestedMs,
    currency: intent.currency,
    customer: typeof intent.customer === 'string' ? intent.customer : null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: null,
    paid: false,
    payment_intent: intent.id,
    payment_method: paymentMethod.id,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: null,
        authorization_code: null,
        brand: card.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: card.country,
        electronic_commerce_indicator: null,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        funding: card.funding,
        installments: null,
        last4: card.last4,
        mandate: null,
        network: card.brand,
        network_transaction_id: null,
        regulated_status: null,
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'pending',
    transfer_data: null,
    transfer_group: null,
  };
}

/** The charge went through: authorized, and captured unless the intent captures manually. */
export function chargeSucceeded(charge: SandboxCharge, capture: boolean): void {
  charge.status = 'succeeded';
  charge.paid = true;
  charge.captured = capture;
  charge.amount_captured = capture ? charge.amount : 0;
  charge.outcome = {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
  if (charge.payment_method_details?.card)
    charge.payment_method_details.card.amount_authorized = charge.amount;
}

export function chargeFailed(
  charge: SandboxCharge,
  decline: { code: string; decline_code: string; message: string },
): void {
  charge.status = 'failed';
  charge.failure_code = decline.code;
  charge.failure_message = decline.message;
  charge.outcome = {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'declined_by_network',
    reason: decline.decline_code,
    risk_level: 'normal',
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}
