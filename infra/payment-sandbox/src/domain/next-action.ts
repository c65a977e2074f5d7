import type Stripe from 'stripe';

/** Where a card that needs 3-D Secure sends its customer: the sandbox's authentication page. */
export function redirectToAuthenticate(
  baseUrl: string,
  intentId: string,
  returnUrl: string | null,
): Stripe.PaymentIntent.NextAction & Stripe.SetupIntent.NextAction {
  return {
    type: 'redirect_to_url',
    redirect_to_url: { url: `${baseUrl}/authenticate/${intentId}`, return_url: returnUrl },
  };
}
