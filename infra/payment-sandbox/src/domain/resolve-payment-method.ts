import type Stripe from 'stripe';
import { newCardPaymentMethod } from '../objects/payment-method.js';
import type { Sandbox } from '../sandbox.js';
import { resourceMissing } from '../stripe-errors.js';
import { testMethods } from '../test-methods.js';

/**
 * The payment method a parameter names: a stored `pm_…`, or a test card id (`pm_card_visa`),
 * which makes a new card object that keeps the test card's behaviour, as Stripe does.
 */
export function resolvePaymentMethod(
  sandbox: Sandbox,
  id: string,
  param = 'payment_method',
): Stripe.PaymentMethod {
  const stored = sandbox.store.get<Stripe.PaymentMethod>(id, 'payment_method');
  if (stored) return stored;
  if (!Object.hasOwn(testMethods, id)) throw resourceMissing('PaymentMethod', id, param);
  const method = newCardPaymentMethod(testMethods[id]!, sandbox.clock.now());
  return sandbox.store.save(method, { testCard: id });
}
