import type Stripe from 'stripe';
import { newId, unixSeconds } from '../ids.js';
import type { TestMethod } from '../test-methods.js';

/** The card a test id stands for, made at `now` (the sandbox clock, for expiry). */
export function newCardPaymentMethod(method: TestMethod, now: Date): Stripe.PaymentMethod {
  // Test cards expire years ahead, except the one that expires at the end of next month.
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const expMonth = method.expiresNextMonth ? next.getUTCMonth() + 1 : 12;
  const expYear = method.expiresNextMonth ? next.getUTCFullYear() : now.getUTCFullYear() + 5;
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: method.brand,
      checks: {
        address_line1_check: null,
        address_postal_code_check: null,
        cvc_check: 'unchecked',
      },
      country: method.country,
      display_brand: method.brand,
      exp_month: expMonth,
      exp_year: expYear,
      funding: method.funding,
      generated_from: null,
      last4: method.last4,
      networks: { available: [method.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: unixSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

/** Whether the card has expired by `now`: after the last day of its expiry month. */
export function isExpired(method: Stripe.PaymentMethod, now: Date): boolean {
  const card = method.card;
  if (!card) return false;
  return now.getTime() >= Date.UTC(card.exp_year, card.exp_month, 1);
}
