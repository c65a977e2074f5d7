import type Stripe from 'stripe';
import type { EventCause } from '../events.js';
import type { Sandbox } from '../sandbox.js';
import { StripeApiError, unexpectedState } from '../stripe-errors.js';
import { confirmPaymentIntent } from './confirm-payment-intent.js';
import { finishSetup } from './confirm-setup-intent.js';

const failure = (method: Stripe.PaymentMethod) => ({
  type: 'invalid_request_error' as const,
  code: 'payment_intent_authentication_failure' as const,
  message:
    'The provided PaymentMethod has failed authentication. You can provide payment_method_data ' +
    'or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
  payment_method: method,
});

/**
 * The customer finished (or failed) 3-D Secure on the authentication page for a PaymentIntent
 * or SetupIntent in `requires_action`: it goes on as if the card needed nothing more, or
 * back to `requires_payment_method` with `payment_intent_authentication_failure`.
 */
export function completeAuthentication(
  sandbox: Sandbox,
  id: string,
  outcome: 'succeeded' | 'failed',
  cause: EventCause,
  baseUrl: string,
): Stripe.PaymentIntent | Stripe.SetupIntent {
  const intent = id.startsWith('seti_') ? sandbox.setupIntent(id) : sandbox.paymentIntent(id);
  if (intent.status !== 'requires_action')
    throw unexpectedState(
      intent.object === 'setup_intent' ? 'SetupIntent' : 'PaymentIntent',
      intent.status,
      'authenticated',
    );
  if (intent.object === 'setup_intent') return finishSetup(sandbox, intent, outcome, cause).intent;
  const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
  if (outcome === 'succeeded') {
    const options = { cause, requestedMs: Date.now(), offSession: false, returnUrl, baseUrl };
    try {
      return confirmPaymentIntent(sandbox, intent, { ...options, authenticated: true });
    } catch (error) {
      if (error instanceof StripeApiError && error.status === 402) return intent;
      throw error;
    }
  }
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.last_payment_error = failure(sandbox.paymentMethod(intent.payment_method as string));
  intent.payment_method = null;
  sandbox.store.save(intent);
  sandbox.publish(intent.id, [sandbox.event('payment_intent.payment_failed', intent, cause)]);
  return intent;
}
