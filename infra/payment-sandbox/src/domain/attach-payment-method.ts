import type Stripe from 'stripe';
import type { EventCause, SandboxEvent } from '../events.js';
import type { Sandbox } from '../sandbox.js';
import { cardDeclined, invalidRequest } from '../stripe-errors.js';

/**
 * Attach a card to a customer (for later, off-session payments), as attach, a SetupIntent and
 * `setup_future_usage` do. A card whose every charge declines cannot be attached, except
 * `pm_card_chargeCustomerFail`, which attaches fine and declines later.
 */
export function attachPaymentMethod(
  sandbox: Sandbox,
  method: Stripe.PaymentMethod,
  customer: Stripe.Customer,
  cause: EventCause,
): SandboxEvent[] {
  if (method.customer === customer.id) return [];
  if (method.customer)
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      {
        param: 'payment_method',
        code: 'payment_method_unexpected_state',
      },
    );
  const card = sandbox.testMethodOf(method.id);
  if (card.decline && !card.attachesDespiteDecline)
    throw cardDeclined({
      message: card.decline.message,
      code: card.decline.code,
      declineCode: card.decline.decline_code,
    });
  method.customer = customer.id;
  sandbox.store.save(method);
  return [sandbox.event('payment_method.attached', method, cause)];
}
