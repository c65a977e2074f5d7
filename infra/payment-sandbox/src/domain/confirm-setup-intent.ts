import type Stripe from 'stripe';
import type { EventCause, SandboxEvent } from '../events.js';
import type { Sandbox } from '../sandbox.js';
import {
  cardDeclined,
  invalidRequest,
  unexpectedState,
  type StripeApiError,
} from '../stripe-errors.js';
import { attachPaymentMethod } from './attach-payment-method.js';
import { redirectToAuthenticate } from './next-action.js';

const authenticationFailure = (
  method: Stripe.PaymentMethod,
): Stripe.SetupIntent.LastSetupError => ({
  type: 'invalid_request_error',
  code: 'setup_intent_authentication_failure',
  message:
    'The latest attempt to set up the payment method has failed because authentication failed.',
  payment_method: method,
});

/**
 * The end of a setup: the card is attached to the customer (`setup_intent.succeeded`,
 * `payment_method.attached`), or the setup fails — its authentication failed, or the card
 * declines (`setup_intent.setup_failed`, and a 402 for the request that confirmed it).
 */
export function finishSetup(
  sandbox: Sandbox,
  intent: Stripe.SetupIntent,
  outcome: 'succeeded' | 'failed',
  cause: EventCause,
): { intent: Stripe.SetupIntent; error?: StripeApiError } {
  const method = sandbox.paymentMethod(intent.payment_method as string);
  const card = sandbox.testMethodOf(method.id);
  intent.next_action = null;
  let error: StripeApiError | undefined;
  if (outcome === 'failed') intent.last_setup_error = authenticationFailure(method);
  else if (card.decline && !card.attachesDespiteDecline) {
    const { code, decline_code, message } = card.decline;
    intent.last_setup_error = {
      type: 'card_error',
      code: code as never,
      decline_code,
      message,
      payment_method: method,
    };
  }
  const events: SandboxEvent[] = [];
  if (intent.last_setup_error) {
    intent.status = 'requires_payment_method';
    intent.payment_method = null;
    sandbox.store.save(intent);
    events.push(sandbox.event('setup_intent.setup_failed', intent, cause));
    if (intent.last_setup_error.type === 'card_error')
      error = cardDeclined({
        message: intent.last_setup_error.message!,
        code: intent.last_setup_error.code!,
        declineCode: intent.last_setup_error.decline_code!,
        setupIntent: structuredClone(intent),
      });
  } else {
    if (typeof intent.customer === 'string')
      events.push(
        ...attachPaymentMethod(sandbox, method, sandbox.customer(intent.customer), cause),
      );
    intent.status = 'succeeded';
    sandbox.store.save(intent);
    events.push(sandbox.event('setup_intent.succeeded', intent, cause));
  }
  sandbox.publish(intent.id, events);
  return { intent, ...(error ? { error } : {}) };
}

/** Confirm a SetupIntent: a card that needs 3-D Secure on setup asks for it first. */
export function confirmSetupIntent(
  sandbox: Sandbox,
  intent: Stripe.SetupIntent,
  options: { cause: EventCause; baseUrl: string; returnUrl: string | null; paymentMethod?: string },
): Stripe.SetupIntent {
  if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation')
    throw unexpectedState('SetupIntent', intent.status, 'confirmed');
  if (options.paymentMethod) intent.payment_method = options.paymentMethod;
  if (typeof intent.payment_method !== 'string')
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method.",
      { code: 'setup_intent_unexpected_state' },
    );
  intent.last_setup_error = null;
  if (sandbox.testMethodOf(intent.payment_method).authentication) {
    intent.status = 'requires_action';
    intent.next_action = redirectToAuthenticate(options.baseUrl, intent.id, options.returnUrl);
    sandbox.store.save(intent);
    sandbox.publish(intent.id, [
      sandbox.event('setup_intent.requires_action', intent, options.cause),
    ]);
    return intent;
  }
  const done = finishSetup(sandbox, intent, 'succeeded', options.cause);
  if (done.error) throw done.error;
  return done.intent;
}
