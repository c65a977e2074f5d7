import type Stripe from 'stripe';
import type { EventCause, SandboxEvent } from '../events.js';
import { newCharge } from '../objects/charge.js';
import { isExpired } from '../objects/payment-method.js';
import type { Sandbox } from '../sandbox.js';
import { cardDeclined, invalidRequest, type StripeApiError } from '../stripe-errors.js';
import { declines, type Decline } from '../test-methods.js';
import { redirectToAuthenticate } from './next-action.js';
import { paymentFailed, paymentSucceeded } from './payment-outcome.js';

export interface AttemptOptions {
  cause: EventCause;
  /** When the request arrived (ms), before any delay (the charge's `requested_ms`). */
  requestedMs: number;
  offSession: boolean;
  returnUrl: string | null;
  /** The sandbox's own address, for the authentication page. */
  baseUrl: string;
  /** The customer has just authenticated (3-D Secure) this attempt. */
  authenticated?: boolean;
}

export interface PaymentAttempt {
  events: SandboxEvent[];
  /** A decline: the 402 card_error, carrying the intent. */
  error?: StripeApiError;
}

/** How this card declines a charge now, if it does. */
function declineOf(sandbox: Sandbox, method: Stripe.PaymentMethod): Decline | undefined {
  const card = sandbox.testMethodOf(method.id);
  if (card.decline) return card.decline;
  const { chargesMade = 0 } = sandbox.store.internalsOf(method.id);
  if (card.failsAfterFirstCharge && chargesMade >= 1) return declines.generic;
  if (isExpired(method, sandbox.clock.now())) return declines.expired;
  return undefined;
}

/**
 * One confirmation of a PaymentIntent with its payment method, as the test card says: it asks
 * for authentication (or declines off-session), declines, starts processing, or succeeds.
 * Every attempt that reaches the card network makes a Charge, the intent's `latest_charge`.
 */
export function attemptPayment(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  options: AttemptOptions,
): PaymentAttempt {
  const methodId = intent.payment_method;
  if (typeof methodId !== 'string')
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update " +
        'the PaymentIntent with a payment method and then confirm it again.',
      { code: 'payment_intent_unexpected_state' },
    );
  const method = sandbox.paymentMethod(methodId, 'payment_method');
  if (method.customer && method.customer !== intent.customer)
    throw invalidRequest(
      `The provided PaymentMethod is attached to customer ${method.customer}; pass that ` +
        'customer with the PaymentIntent.',
      { param: 'payment_method', code: 'payment_method_unexpected_state' },
    );
  const card = sandbox.testMethodOf(method.id);
  intent.last_payment_error = null;
  intent.next_action = null;
  const needsAuthentication =
    !options.authenticated &&
    (card.authentication === 'always' ||
      (card.authentication === 'on_setup' && intent.setup_future_usage !== null));
  if (needsAuthentication && !options.offSession) {
    intent.status = 'requires_action';
    intent.next_action = redirectToAuthenticate(options.baseUrl, intent.id, options.returnUrl);
    sandbox.store.save(intent);
    return { events: [sandbox.event('payment_intent.requires_action', intent, options.cause)] };
  }

  const charge = newCharge({ intent, paymentMethod: method, requestedMs: options.requestedMs });
  intent.latest_charge = charge.id;
  const decline = needsAuthentication
    ? declines.authenticationRequired
    : declineOf(sandbox, method);
  if (decline) {
    const events = paymentFailed(sandbox, intent, charge, decline, options.cause);
    const error = cardDeclined({
      message: decline.message,
      code: decline.code,
      declineCode: decline.decline_code,
      charge: charge.id,
      paymentIntent: structuredClone(intent),
      paymentMethod: structuredClone(method),
    });
    return { events, error };
  }
  if (card.settles) {
    intent.status = 'processing';
    sandbox.store.save(charge);
    sandbox.store.save(intent);
    return {
      events: [
        sandbox.event('charge.pending', charge, options.cause),
        sandbox.event('payment_intent.processing', intent, options.cause),
      ],
    };
  }
  return { events: paymentSucceeded(sandbox, intent, charge, options.cause) };
}
